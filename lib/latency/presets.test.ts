import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import * as latency from './index.js';
import { latencyPreset, latencyPresetNames, measuredReference, resolveLatency } from './presets.js';

const SSD = 'mix(0.9122:pareto(0.235,10),0.0878:exp(1.66))';
const DISK_W = 'mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))';

/** The legs' texts, W A R S. */
function texts(legs: latency.WarsLegs): string[] {
  return [legs.W, legs.A, legs.R, legs.S].map(String);
}

describe('presets', () => {
  it('are lnkd-ssd, lnkd-disk, ymmr and wan', () => {
    expect(latencyPresetNames()).toEqual(['lnkd-ssd', 'lnkd-disk', 'ymmr', 'wan']);
  });

  it('parse to the texts of the PBS paper, Table 3', () => {
    expect(texts(latencyPreset('lnkd-ssd').legs)).toEqual([SSD, SSD, SSD, SSD]);
    expect(texts(latencyPreset('lnkd-disk').legs)).toEqual([DISK_W, SSD, SSD, SSD]);
    const ymmrARS = 'mix(0.982:pareto(1.5,3.8),0.018:exp(0.0217))';
    expect(texts(latencyPreset('ymmr').legs)).toEqual([
      'mix(0.939:pareto(3,3.35),0.061:exp(0.0028))',
      ymmrARS,
      ymmrARS,
      ymmrARS,
    ]);
  });

  it('carry description, source and note', () => {
    const ssd = latencyPreset('lnkd-ssd');
    expect(ssd.name).toBe('lnkd-ssd');
    expect(ssd.description).toBe('LinkedIn Voldemort on SSDs');
    expect(ssd.source).toMatch(/^P\. Bailis.*PVLDB 5\(8\)/);
    expect(ssd.note).toBeUndefined();
    expect(ssd.legs.wan).toBeUndefined();
    expect(latencyPreset('ymmr').note).toMatch(/alpha 3\.35/);
  });

  it('wan is lnkd-disk plus 75 ms one way to remote replicas, one local replica', () => {
    const wan = latencyPreset('wan');
    expect(texts(wan.legs)).toEqual(texts(latencyPreset('lnkd-disk').legs));
    expect(wan.legs.wan).toEqual({ remoteOneWayMs: 75, localReplicas: 1 });
    expect(wan.description).toMatch(/^Multi-datacenter/);
  });

  it('lnkd-ssd legs have the sub-millisecond mean of the fit', () => {
    // 0.9122 * 0.235 * 10/9 (Pareto mean alpha xm/(alpha-1)) + 0.0878 / 1.66 (exponential mean 1/rate),
    // worked out by hand: 0.2910771218206158 ms.
    for (const d of Object.values(latencyPreset('lnkd-ssd').legs)) {
      expect(Math.abs(d.mean() - 0.2910771218206158)).toBeLessThanOrEqual(1e-15);
    }
    // The heavy Pareto tail of lnkd-disk's W (alpha 1.51 < 2) still has a finite mean.
    expect(latencyPreset('lnkd-disk').legs.W.mean()).toBeCloseTo(
      0.38 * ((1.51 * 1.05) / 0.51) + 0.62 / 0.183,
      12,
    );
  });

  it('build fresh objects on every call', () => {
    const a = latencyPreset('lnkd-ssd');
    a.legs.W = latency.exponential(1);
    expect(String(latencyPreset('lnkd-ssd').legs.W)).toBe(SSD);
  });

  it('refuse an unknown name, listing the known ones', () => {
    expect(() => latencyPreset('lnkd')).toThrow(ParameterError);
    expect(() => latencyPreset('lnkd')).toThrow(
      '--latency: got "lnkd"; allowed: a latency preset: lnkd-ssd, lnkd-disk, ymmr, wan',
    );
    expect(() => latencyPreset('toString', '--preset')).toThrow(/^--preset: got "toString"; /);
  });
});

describe('resolveLatency', () => {
  it('takes a preset name', () => {
    expect(texts(resolveLatency('lnkd-disk'))).toEqual([DISK_W, SSD, SSD, SSD]);
    expect(resolveLatency(' wan ').wan).toEqual({ remoteOneWayMs: 75, localReplicas: 1 });
  });

  it('takes one distribution for all four legs', () => {
    const legs = resolveLatency('const(75) + exp(0.2)');
    expect(texts(legs)).toEqual(Array(4).fill('const(75)+exp(0.2)'));
    expect(legs.wan).toBeUndefined();
    expect(texts(resolveLatency('file:data/latency/example-trace.csv'))[0]).toBe(
      'file:data/latency/example-trace.csv',
    );
  });

  it('refuses a misspelt preset, listing presets and the distribution form', () => {
    expect(() => resolveLatency('lnkd-sdd')).toThrow(
      '--latency: got "lnkd-sdd"; allowed: a latency preset (lnkd-ssd, lnkd-disk, ymmr, wan) or a distribution such as exp(0.183) or mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))',
    );
  });

  it("refuses a bad distribution with the parser's reason, naming its parameter", () => {
    expect(() => resolveLatency('exp(', '--legs')).toThrow(
      /^--legs: got "exp\("; allowed: .*expected an argument of exp/,
    );
    expect(() => resolveLatency('')).toThrow(/^--latency: got ""; .*the text is empty/);
  });
});

describe('measuredReference', () => {
  it('is the measured block of the presets file (PBS Tables 1 and 2)', () => {
    const m = measuredReference();
    expect(m.linkedin_ssd_ms).toEqual({ mean: 0.58, p95: 1, p99: 2 });
    expect(m.linkedin_disk_ms).toEqual({ mean: 4.85, p95: 15, p99: 25 });
    expect(m.yammer_riak_n3_r2_w2_write_ms.p99).toBe(131.73);
    expect(m.about).toMatch(/Tables 1 and 2/);
  });

  it('is a copy', () => {
    measuredReference().linkedin_ssd_ms.mean = 99;
    expect(measuredReference().linkedin_ssd_ms.mean).toBe(0.58);
  });
});

describe('index', () => {
  it('exports the latency API', () => {
    for (const name of [
      'constant',
      'uniform',
      'exponential',
      'truncatedNormal',
      'lognormal',
      'pareto',
      'mixture',
      'shifted',
      'empirical',
      'empiricalFromFile',
      'parseLatency',
      'latencyPreset',
      'latencyPresetNames',
      'resolveLatency',
      'measuredReference',
      'normalCdf',
      'normalQuantile',
    ]) {
      expect(typeof (latency as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
