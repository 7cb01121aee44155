/**
 * The multi-leader cases of the reference file as scenarios: collaborative editing (every
 * editor's copy is a leader) and offline calendars (every device is a leader while offline).
 * Neither documents numbers, so every parameter but the mapping itself is a lab default.
 */
import { RESOLUTION_POLICIES } from '../strategies/multi-leader/resolution.js';
import {
  validateMultiLeaderConfig,
  type MultiLeaderConfig,
} from '../strategies/multi-leader/multi-leader-config.js';
import { runMultiLeader } from '../strategies/multi-leader/run-multi-leader.js';
import { proportionMetric, valueMetric } from './scenario-metric.js';
import { derived, labDefault, type ScenarioParameter } from './scenario-parameter.js';
import { systemReference } from './system-reference.js';
import type { ScenarioExperiment, ScenarioRunSize, SystemScenario } from './system-scenario.js';

const POLICIES = RESOLUTION_POLICIES.filter((p) => p !== 'custom');
const WRITES = {
  unit: 'writes in the run (the duration follows from the write rates)',
  default: 3000,
  max: 1_000_000,
};
const rate = { type: 'number' as const, min: 0, minExclusive: true };
const whole = (min: number, max: number) => ({ type: 'number' as const, min, max, integer: true });
const distribution = { type: 'distribution' as const, noneAllowed: false };

function resolutionParameter(value: string, why: string): ScenarioParameter {
  return labDefault(value, why, {
    key: 'resolution',
    description: `conflict resolution: ${POLICIES.join(', ')}`,
    kind: { type: 'choice', allowed: POLICIES },
    fields: ['resolution'],
  });
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
  parameters: [
    labDefault(3, 'the reference gives no number of editors', {
      key: 'editors',
      description: 'editors, each a leader',
      kind: whole(2, 64),
      fields: ['datacenters'],
    }),
    derived('const(0)', 'collaborative-editing.note: "changes apply locally at once"', {
      key: 'local_latency',
      description: 'local apply latency, ms (distribution)',
      kind: distribution,
      fields: ['localWriteLatency'],
    }),
    labDefault('const(50)', "the multi-leader model's default one-way delay between leaders", {
      key: 'replication_latency',
      description: 'one-way delay between editors, ms (distribution)',
      kind: distribution,
      fields: ['interDcLatency'],
    }),
    labDefault(2, 'the reference gives no rate; two changes per second per editor', {
      key: 'write_rate_per_s',
      description: 'changes per second per editor',
      kind: rate,
      fields: ['writeRatePerSec'],
    }),
    labDefault(100, "the multi-leader model's default key count (document regions)", {
      key: 'keys',
      description: 'independently edited regions of the document',
      kind: whole(1, 1_000_000),
      fields: ['keys'],
    }),
    resolutionParameter(
      'merge',
      "the reference names no policy; editors merge concurrent edits (the model's set union)",
    ),
  ],
  plan(values, size) {
    const editors = values.editors as number;
    const config: Partial<MultiLeaderConfig> = {
      datacenters: editors,
      localWriteLatency: String(values.local_latency),
      interDcLatency: String(values.replication_latency),
      writeRatePerSec: values.write_rate_per_s as number,
      keys: values.keys as number,
      resolution: values.resolution as MultiLeaderConfig['resolution'],
      durationMs: (1000 * size.trials) / (editors * (values.write_rate_per_s as number)),
    };
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
/** Offline calendars: every device is a leader while offline, syncing on reconnect. */
export const offlineCalendarScenario: SystemScenario = {
  name: 'offline-calendar',
  system: 'offline-calendar',
  family: 'multi-leader',
  description: 'Offline calendar: devices take changes offline and sync with the server on reconnect',
  source: calendarRef.source,
  trials: WRITES,
  parameters: [
    labDefault(3, "the reference gives no number of devices (one user's phone, laptop and tablet)", {
      key: 'devices',
      description: 'devices, each a leader',
      kind: whole(1, 1000),
      fields: ['devices.count'],
    }),
    labDefault(1, 'the reference gives no rate; one change per second per device', {
      key: 'write_rate_per_s',
      description: 'changes per second per device',
      kind: rate,
      fields: ['devices.writeRatePerSec'],
    }),
    labDefault('exp(0.0001)', 'online spells of mean 10 s (lab default)', {
      key: 'online',
      description: 'online spell durations, ms (distribution)',
      kind: distribution,
      fields: ['devices.online'],
    }),
    labDefault('exp(0.00003333)', 'offline spells of mean 30 s (lab default)', {
      key: 'offline',
      description: 'offline spell durations, ms (distribution)',
      kind: distribution,
      fields: ['devices.offline'],
    }),
    labDefault('const(50)', 'device-to-server one-way delay 50 ms (lab default)', {
      key: 'sync_latency',
      description: 'device-to-server delay, ms (distribution)',
      kind: distribution,
      fields: ['devices.syncLatency'],
    }),
    labDefault(20, 'the reference gives no count; 20 calendar entries', {
      key: 'keys',
      description: 'calendar entries',
      kind: whole(1, 1_000_000),
      fields: ['keys'],
    }),
    resolutionParameter(
      'lww',
      'the reference names no policy; the lab takes last-write-wins by device clock',
    ),
  ],
  plan(values, size) {
    const devices = values.devices as number;
    const perSec = values.write_rate_per_s as number;
    const config: Partial<MultiLeaderConfig> = {
      datacenters: 1,
      writeRatePerSec: 0,
      keys: values.keys as number,
      resolution: values.resolution as MultiLeaderConfig['resolution'],
      devices: {
        count: devices,
        writeRatePerSec: perSec,
        online: String(values.online),
        offline: String(values.offline),
        syncLatency: String(values.sync_latency),
      },
      durationMs: (1000 * size.trials) / (devices * perSec),
      divergenceSampleMs: 1000,
    };
    return [
      multiLeaderExperiment(
        `${devices} devices syncing through one server (${config.resolution}), about ${size.trials} changes`,
        config,
        size,
      ),
    ];
  },
  assumptions: ['The server accepts no writes of its own; devices sync only with it while online.'],
};
