/**
 * The multi-leader cases of the reference file as scenarios: collaborative editing (every
 * editor's copy takes changes at once: Yjs documents, the CRDT real editors share) and offline
 * calendars (every device is a leader while offline). Neither documents numbers, so every
 * parameter but the mapping itself is a lab default.
 */
import { conflicts } from '../experiments/conflicts.js';
import { editing } from '../experiments/editing.js';
import { distribution, integer, number } from '../experiments/param.js';
import {
  validateMultiLeaderConfig,
  type MultiLeaderConfig,
} from '../strategies/multi-leader/multi-leader-config.js';
import { runMultiLeader } from '../strategies/multi-leader/run-multi-leader.js';
import {
  runEditing,
  validateEditingConfig,
  type EditingConfig,
} from '../strategies/multi-leader/yjs-editing.js';
import { derive, labSetting, labValue, type ScenarioValues } from './preset.js';
import { durationMetric, proportionMetric, valueMetric } from './scenario-metric.js';
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

/**
 * Yjs documents over the simulated network: identical final documents, convergence time and
 * bytes per edit with their 95% intervals over sessions, concurrent insertions (all merged) and
 * whether concurrent words stay contiguous.
 *
 * @example
 * editingExperiment('3 editors', { editors: 3, sessions: 20 }, { trials: 20, seed: 1 });
 */
export function editingExperiment(
  name: string,
  config: Partial<EditingConfig>,
  size: ScenarioRunSize,
): ScenarioExperiment {
  return {
    name,
    validate: () => void validateEditingConfig(config),
    run: async () => {
      const r = runEditing(config, size.seed, { samples: true });
      const samples = r.samples!;
      return [
        proportionMetric(
          'identical_docs',
          'sessions whose editors ended with identical documents (text and encoded state)',
          r.intervals.identical_docs,
        ),
        durationMetric(
          'convergence_ms',
          "from a session's last edit until every editor's document stopped changing",
          samples.convergence_ms,
        ),
        valueMetric(
          'convergence_ms_ci_low',
          'mean convergence, 95% interval low',
          r.convergence_ms.ci_low,
          'ms',
        ),
        valueMetric(
          'convergence_ms_ci_high',
          'mean convergence, 95% interval high',
          r.convergence_ms.ci_high,
          'ms',
        ),
        valueMetric(
          'bytes_per_edit',
          'update and sync bytes sent per edit, mean over sessions',
          r.bytes_per_edit.mean,
          'B',
        ),
        valueMetric(
          'bytes_per_edit_ci_low',
          'bytes per edit, 95% interval low',
          r.bytes_per_edit.ci_low,
          'B',
        ),
        valueMetric(
          'bytes_per_edit_ci_high',
          'bytes per edit, 95% interval high',
          r.bytes_per_edit.ci_high,
          'B',
        ),
        proportionMetric(
          'conflicts',
          "insertions concurrent with another editor's insertion (merged by YATA: none lost)",
          r.intervals.concurrent_inserts,
        ),
        proportionMetric(
          'contiguous_words',
          'trials where two words typed offline at one index stayed contiguous',
          r.intervals.contiguous_words,
        ),
      ];
    },
  };
}

/** Collaborative editing: each editor holds a Yjs document; updates relayed by a server. */
export const collaborativeEditingScenario: SystemScenario = {
  name: 'collaborative-editing',
  system: 'collaborative-editing',
  family: 'multi-leader',
  description:
    "Collaborative editing on Yjs CRDT documents: every editor's copy takes changes at once, update bytes over the network, merged",
  source: editingRef.source,
  trials: {
    unit: 'editing sessions (each duration_ms of edits at every editor)',
    default: 20,
    max: 100_000,
  },
  settings: {
    servers: labSetting(
      1,
      'y-websocket relays every update through one server; 0: editors send to each other (y-webrtc)',
      (v: number) =>
        integer({ doc: 'relay servers: 1 (relay) or 0 (mesh), a count', default: v, min: 0, max: 1 }),
    ),
  },
  preset: {
    experiment: editing,
    values: {
      editors: labValue(3, 'the reference gives no number of editors'),
      editRate: labValue(2, 'the reference gives no rate; two keystrokes per second per editor'),
      latency: labValue('uniform(20,80)', 'one-way delays of 20 to 80 ms (lab default)'),
      sessions: labValue(20, "scenario run's default 20 sessions (scenario run sets it from --trials)"),
    },
    derive: {
      topology: derive(['servers'], 'relay if servers = 1, mesh if 0', (v) =>
        v.servers === 1 ? 'relay' : 'mesh',
      ),
    },
    sweep:
      "A sweep runs the editing experiment with these values (sessions as set; scenario run sets it from --trials): identical documents, convergence and bytes per edit pooled over a cell's runs.",
  },
  plan({ experiment }, size) {
    const config = { ...editing.config(experiment as never), sessions: size.trials };
    return [
      editingExperiment(
        `${config.editors} editors on Yjs (${config.topology}), ${size.trials} sessions`,
        config,
        size,
      ),
    ];
  },
  assumptions: [
    'An edit inserts or deletes one character at a uniform position; the server does not learn of a disconnection: what it forwards to a disconnected editor is lost, and reaches it through the sync on reconnect.',
    'Editors keep no awareness (cursor) traffic; only document updates and sync messages are counted in bytes.',
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
