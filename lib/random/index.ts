export { deriveStream, type RandomStream } from './stream.js';
