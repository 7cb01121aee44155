export { deriveStream, randomBits, type RandomStream, type RandomBits } from './stream.js';
