import type { BatchTask } from './batch-task.js';
import { runTaskLoading } from './batch-models.js';

/** The piscina worker entry: runs one batch task (loading its model on first use) and returns its summary. */
export default function runBatchTask(task: BatchTask): Promise<unknown> {
  return runTaskLoading(task);
}
