import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { load } from 'js-yaml';

const root = join(__dirname, '..', '..');

/** `docker compose` (v2 plugin) where present, else Debian's `docker-compose`; neither needs an engine for `config`. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0)
    return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return ['docker-compose'];
  throw new Error(
    'neither `docker compose` nor `docker-compose` is installed (apt-get install -y docker-compose); CI installs it in .ci/run',
  );
}

function compose(...args: string[]): string {
  const [cmd, ...pre] = composeCommand();
  // a clean environment: the file must validate with no .env and no secrets set
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };
  try {
    return execFileSync(cmd, [...pre, '-f', 'docker-compose.yml', '--project-directory', root, ...args], {
      cwd: root,
      encoding: 'utf8',
      env,
      stdio: 'pipe',
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`compose ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | null>;
  ports?: (string | { published?: string | number; host_ip?: string })[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: unknown };
  profiles?: string[];
  volumes?: unknown[];
}

describe('docker-compose.yml', () => {
  let services: Record<string, Service>;

  beforeAll(() => {
    services = (load(compose('config')) as { services: Record<string, Service> }).services;
  });

  it('passes `docker compose config -q` with no .env present', () => {
    expect(compose('config', '-q')).toBe('');
  });

  it('runs the api, worker and feed roles from one built image, with migrations only in api', () => {
    for (const role of ['api', 'worker', 'feed']) {
      const s = services[role];
      expect(s.build).toBeDefined();
      expect(s.environment?.APP_ROLES).toBe(role);
      expect(s.environment?.NODE_ENV).toBe('production');
      expect(s.environment?.DATABASE_URL).toMatch(
        /^postgresql:\/\/trading_bot:[^@]+@postgres:5432\/trading_bot$/,
      );
      expect(s.environment?.REDIS_URL).toBe('redis://redis:6379/0');
      expect(s.environment?.DATABASE_MIGRATIONS_RUN).toBe(role === 'api' ? 'true' : 'false');
    }
    expect(new Set(['api', 'worker', 'feed'].map((r) => services[r].image)).size).toBe(1);
  });

  it('pins PostgreSQL 16 and Redis 7 with health checks the app waits for', () => {
    expect(services.postgres.image).toMatch(/^postgres:16/);
    expect(services.redis.image).toMatch(/^redis:7/);
    expect(services.postgres.healthcheck).toBeDefined();
    expect(services.redis.healthcheck).toBeDefined();
    expect(services.api.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('mounts the Prometheus rules and the Grafana provisioning and dashboards', () => {
    expect(JSON.stringify(services.prometheus.volumes)).toContain('docker/prometheus');
    expect(JSON.stringify(services.grafana.volumes)).toContain('docker/grafana/provisioning');
    expect(JSON.stringify(services.grafana.volumes)).toContain('docker/grafana/dashboards');
  });

  it('publishes only the TLS front end on all interfaces; monitoring stays on loopback; data stores unpublished', () => {
    const published = (s: Service) =>
      (s.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}`));
    expect(published(services.caddy).join(' ')).toMatch(/443/);
    for (const name of ['prometheus', 'grafana'])
      for (const p of published(services[name])) expect(p).toMatch(/^127\.0\.0\.1:/);
    for (const name of ['postgres', 'redis', 'api', 'worker', 'feed'])
      expect(services[name].ports ?? []).toEqual([]);
  });

  it('keeps the backup job behind a profile so `up` does not run it', () => {
    expect(services.backup.profiles).toEqual(['backup']);
  });
});
