// `npm run deploy:render -- [--profile production|staging] [--values province.yaml …] [--out DIR] [--format plain|helm]`
// Renders the countypay manifests for a province's cluster, checks the values, validates every
// object against the Kubernetes API schemas (offline) and writes:
//   plain (default)  DIR/migrate.k8s.yaml (apply and await first), DIR/platform.k8s.yaml
//   helm             DIR/countypay/{Chart.yaml,values.yaml,templates/*.yaml}: the same objects as a
//                    chart whose migration Job is a pre-install/pre-upgrade hook
// DIR defaults to .local/deploy/<profile>. Exit 1 on a bad value or an invalid object.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Yaml } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { buildCharts, migrateJobName, resourceName, deployedServices } from './chart';
import { validateAll, type KubeObject } from './validate';
import { PROFILES, checkValues, mergeValues, type Profile, type Values } from './values';

export interface RenderOutput {
  values: Values;
  migrate: KubeObject[];
  platform: KubeObject[];
}

/** Values of a profile with the given override documents applied; throws listing every problem. */
export function resolveValues(profile: Profile, overrides: unknown[] = []): Values {
  let v: Values = PROFILES[profile]();
  for (const o of overrides) v = mergeValues(v, o);
  const problems = checkValues(v);
  if (problems.length > 0) throw new Error(`invalid values:\n  - ${problems.join('\n  - ')}`);
  return v;
}

/** Renders both charts to plain objects and validates them; throws listing every invalid object. */
export function render(v: Values): RenderOutput {
  const { migrate, platform } = buildCharts(v);
  const out = { values: v, migrate: migrate.toJson() as KubeObject[], platform: platform.toJson() as KubeObject[] };
  const problems = validateAll([...out.migrate, ...out.platform]);
  if (problems.length > 0) throw new Error(`invalid manifests:\n  - ${problems.join('\n  - ')}`);
  return out;
}

export function readValuesFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

function chartYaml(v: Values): string {
  return Yaml.stringify({
    apiVersion: 'v2',
    name: 'countypay',
    description: 'countypay — open-banking payment platform of a provincial federation of rural credit unions (rendered by npm run deploy:render)',
    type: 'application',
    version: `${v.image.tag.replace(/^v/, '').match(/^\d+\.\d+\.\d+/)?.[0] ?? '0.0.0'}`,
    appVersion: v.image.tag,
    kubeVersion: '>=1.30.0-0',
  });
}

export function writeManifests(out: RenderOutput, dir: string, format: 'plain' | 'helm'): string[] {
  rmSync(dir, { recursive: true, force: true });
  const files: Array<[string, string]> = [];
  if (format === 'plain') {
    files.push(['migrate.k8s.yaml', Yaml.stringify(...out.migrate)], ['platform.k8s.yaml', Yaml.stringify(...out.platform)]);
  } else {
    files.push(
      ['countypay/Chart.yaml', chartYaml(out.values)],
      [
        'countypay/values.yaml',
        '# The values were applied when this chart was rendered (npm run deploy:render -- --format helm);\n# render again to change them. See deploy/README.md.\n{}\n',
      ],
      ['countypay/templates/migrate.yaml', Yaml.stringify(...out.migrate)],
      ['countypay/templates/platform.yaml', Yaml.stringify(...out.platform)],
    );
  }
  for (const [name, text] of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return files.map(([name]) => join(dir, name));
}

function summary(out: RenderOutput): string {
  const counts = new Map<string, number>();
  for (const o of [...out.migrate, ...out.platform]) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts.entries()].map(([k, n]) => `${n} ${k}`).join(', ');
}

function main(): void {
  const { values: args } = parseArgs({
    options: {
      profile: { type: 'string', default: 'production' },
      values: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      format: { type: 'string', default: 'plain' },
    },
  });
  const profile = args.profile as Profile;
  if (!(profile in PROFILES)) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
  if (args.format !== 'plain' && args.format !== 'helm') throw new Error('--format must be plain or helm');
  const v = resolveValues(profile, args.values.map(readValuesFile));
  const out = render(v);
  const dir = resolve(args.out ?? join('.local', 'deploy', profile));
  const files = writeManifests(out, dir, args.format);
  const ns = v.namespace;
  const lines = [
    `deploy: ${profile} (${v.image.repository}:${v.image.tag}, namespace ${ns}): ${summary(out)} — valid against the Kubernetes API schemas`,
    `deploy: services ${deployedServices(v)
      .map((s) => s.name)
      .join(', ')}; tracing ${v.tracing.mode}; console ${v.console.enabled ? `https://${v.gateway.host}/console/ (in the gateway)` : 'off'}`,
    ...files.map((f) => `  wrote ${f}`),
  ];
  if (args.format === 'plain') {
    lines.push(
      'roll out (deploy/README.md, "Rollout"):',
      `  kubectl apply -f ${files[0]}`,
      `  kubectl -n ${ns} wait --for=condition=complete --timeout=${v.migrations.activeDeadlineSeconds}s job/${migrateJobName(v)}`,
      `  kubectl apply -f ${files[1]}`,
      `  kubectl -n ${ns} rollout status deployment/${resourceName('gateway')}`,
    );
  }
  console.log(lines.join('\n'));
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`deploy: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
