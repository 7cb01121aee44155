import type { BatchTask } from './batch-task.js';
import { runTask } from './models.js';

/** The piscina worker entry: runs one batch task and returns its summary. */
export default function runBatchTask(task: BatchTask): unknown {
  return runTask(task);
}
