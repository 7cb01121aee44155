/**
 * The multi-leader cases of the reference file as scenarios: collaborative editing (every
 * editor's copy is a leader) and offline calendars (every device is a leader while offline).
 * Neither documents numbers, so every parameter but the mapping itself is a lab default.
 */
import { conflicts } from '../experiments/conflicts.js';
import { distribution, integer, number } from '../experiments/param.js';
import {
  validateMultiLeaderConfig,
  type MultiLeaderConfig,
} from '../strategies/multi-leader/multi-leader-config.js';
import { runMultiLeader } from '../strategies/multi-leader/run-multi-leader.js';
import { derive, derivedValue, labSetting, labValue, type ScenarioValues } from './preset.js';
import { proportionMetric, valueMetric } from './scenario-metric.js';
import { systemReference } from './system-reference.js';
import type { ScenarioExperiment, ScenarioRunSize, SystemScenario } from './system-scenario.js';

const WRITES = {
  unit: 'writes in the run (the duration follows from the write rates)',
  default: 3000,
  max: 1_000_000,
};
const CONFLICTS_SWEEP =
  "A sweep runs the conflicts experiment with these values for duration_ms (scenario run sets the duration from --trials); conflicts, lost writes and out-of-order applies as the experiment reports them, pooled over a cell's runs.";

/** The conflicts experiment's model config of a scenario's experiment values, the duration from the run size. */
function conflictsConfig(experiment: ScenarioValues, durationMs: number): Partial<MultiLeaderConfig> {
  return conflicts.config({ ...experiment, durationMs } as never);
}

/**
 * The multi-leader experiment: conflicts (writes concurrent with another write to their key),
 * acknowledged writes lost, and time to convergence.
 *
 * @example
 * multiLeaderExperiment('editors', { datacenters: 3, durationMs: 10000 }, { trials: 3000, seed: 1 });
 */
export function multiLeaderExperiment(
  name: string,
  config: Partial<MultiLeaderConfig>,
  size: ScenarioRunSize,
): ScenarioExperiment {
  return {
    name,
    validate: () => void validateMultiLeaderConfig(config),
    run: async () => {
      const r = runMultiLeader(config, size.seed);
      return [
        proportionMetric(
          'conflicts',
          'writes concurrent with another write to their key',
          r.intervals.conflicts,
        ),
        proportionMetric('acked_writes_lost', 'acknowledged writes lost', r.intervals.acked_writes_lost),
        proportionMetric(
          'out_of_order_applies',
          'replicated versions applied before something their writer had seen',
          r.intervals.out_of_order_applies,
        ),
        valueMetric(
          'convergence_ms',
          'last write to every replica holding every write',
          r.convergence_ms,
          'ms',
        ),
      ];
    },
  };
}

const editingRef = systemReference('collaborative-editing');
/** Collaborative editing: each editor's local copy is a leader. */
export const collaborativeEditingScenario: SystemScenario = {
  name: 'collaborative-editing',
  system: 'collaborative-editing',
  family: 'multi-leader',
  description:
    "Collaborative editing: every editor's copy a leader, local changes at once, async replication, merged",
  source: editingRef.source,
  trials: WRITES,
  settings: {
    editors: labSetting(3, 'the reference gives no number of editors', (v: number) =>
      integer({
        doc: 'editors, each a leader (a datacenter of the conflicts experiment)',
        default: v,
        min: 2,
        max: 64,
      }),
    ),
  },
  preset: {
    experiment: conflicts,
    values: {
      localWriteLatency: derivedValue(
        'const(0)',
        'collaborative-editing.note: "changes apply locally at once"',
      ),
      interDcLatency: labValue('const(50)', "the multi-leader model's default one-way delay between leaders"),
      writeRate: labValue(2, 'the reference gives no rate; two changes per second per editor'),
      keys: labValue(100, "the multi-leader model's default key count (document regions)"),
      durationMs: labValue(
        500000,
        "scenario run's default 3000 changes at 3 editors x 2 per second (scenario run sets it from --trials)",
      ),
      resolution: labValue(
        'merge',
        "the reference names no policy; editors merge concurrent edits (the model's set union)",
      ),
    },
    derive: { datacenters: derive(['editors'], 'editors', (v) => v.editors) },
    sweep: CONFLICTS_SWEEP,
  },
  plan({ values, experiment }, size) {
    const editors = values.editors as number;
    const config = conflictsConfig(
      experiment,
      (1000 * size.trials) / (editors * (experiment.writeRate as number)),
    );
    return [
      multiLeaderExperiment(
        `${editors} editors (${config.resolution}), about ${size.trials} changes`,
        config,
        size,
      ),
    ];
  },
  assumptions: [
    "A change is a set element added to a region (the model's values are sets of write ids); operational transforms of text positions are not modelled.",
  ],
};

const calendarRef = systemReference('offline-calendar');
/** The offline devices of a calendar scenario's values, as the multi-leader model takes them. */
function calendarDevices(v: ScenarioValues): NonNullable<MultiLeaderConfig['devices']> {
  return {
    count: v.devices as number,
    writeRatePerSec: v.writeRatePerS as number,
    online: String(v.online),
    offline: String(v.offline),
    syncLatency: String(v.syncLatency),
  };
}

/** Offline calendars: every device is a leader while offline, syncing on reconnect. */
export const offlineCalendarScenario: SystemScenario = {
  name: 'offline-calendar',
  system: 'offline-calendar',
  family: 'multi-leader',
  description: 'Offline calendar: devices take changes offline and sync with the server on reconnect',
  source: calendarRef.source,
  trials: WRITES,
  settings: {
    devices: labSetting(
      3,
      "the reference gives no number of devices (one user's phone, laptop and tablet)",
      (v: number) => integer({ doc: 'devices, each a leader while offline', default: v, min: 1, max: 1000 }),
    ),
    writeRatePerS: labSetting(
      1,
      'the reference gives no rate; one change per second per device',
      (v: number) =>
        number({
          doc: 'changes per second per device',
          unit: 'per second',
          gt: 0,
          default: v,
          valueName: 'per-s',
        }),
    ),
    online: labSetting('exp(0.0001)', 'online spells of mean 10 s (lab default)', (v: string) =>
      distribution({ doc: 'online spell durations, ms', default: v }),
    ),
    offline: labSetting('exp(0.00003333)', 'offline spells of mean 30 s (lab default)', (v: string) =>
      distribution({ doc: 'offline spell durations, ms', default: v }),
    ),
    syncLatency: labSetting('const(50)', 'device-to-server one-way delay 50 ms (lab default)', (v: string) =>
      distribution({ doc: 'device-to-server delay, ms', default: v }),
    ),
  },
  preset: {
    experiment: conflicts,
    values: {
      keys: labValue(20, 'the reference gives no count; 20 calendar entries'),
      resolution: labValue(
        'lww',
        'the reference names no policy; the lab takes last-write-wins by device clock',
      ),
      divergenceSampleMs: labValue(1000, 'divergence sampled every second (lab default)'),
      durationMs: labValue(
        1000000,
        "scenario run's default 3000 changes at 3 devices x 1 per second (scenario run sets it from --trials)",
      ),
    },
    derive: {
      datacenters: derive(['devices'], 'one server, the only datacenter', () => 1),
      writeRate: derive(
        ['writeRatePerS'],
        "write_rate_per_s, shown for the devices; the server takes no writes of its own (the preset's config sets its rate to 0)",
        (v) => v.writeRatePerS,
      ),
    },
    config: (v, config) => ({ ...config, writeRatePerSec: 0, devices: calendarDevices(v) }),
    sweep: `${CONFLICTS_SWEEP} The devices (count, write rate, online and offline spells, sync latency) reach the model through the preset's config, as in scenario run.`,
  },
  plan({ values, experiment }, size) {
    const devices = calendarDevices(values);
    const config: Partial<MultiLeaderConfig> = {
      ...conflictsConfig(experiment, (1000 * size.trials) / (devices.count * devices.writeRatePerSec)),
      writeRatePerSec: 0,
      devices,
    };
    return [
      multiLeaderExperiment(
        `${devices.count} devices syncing through one server (${config.resolution}), about ${size.trials} changes`,
        config,
        size,
      ),
    ];
  },
  assumptions: ['The server accepts no writes of its own; devices sync only with it while online.'],
};
