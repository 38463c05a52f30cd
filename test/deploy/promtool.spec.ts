import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const dir = join(__dirname, '..', '..', 'docker', 'prometheus');

function promtool(...args: string[]): string {
  const probe = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      'promtool is not installed: `apt-get install -y prometheus` (Debian) puts it on PATH; CI installs it in .ci/run',
    );
  }
  try {
    return execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

describe('Prometheus configuration (promtool)', () => {
  it('alerts.yml passes `promtool check rules`', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('prometheus.yml passes `promtool check config` with its rule file', () => {
    expect(promtool('check', 'config', 'prometheus.yml')).toMatch(/is valid prometheus config file/);
  });

  it('the alert rules fire and stay quiet as alerts.test.yml expects', () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });
});
