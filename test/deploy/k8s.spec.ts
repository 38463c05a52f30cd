import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

const dir = join(__dirname, '..', '..', 'k8s');

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // manifests are free-form YAML; the assertions below are the schema
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  resources?: string[];
}

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const docs: (Doc & { file: string })[] = files.flatMap((file) =>
  (loadAll(readFileSync(join(dir, file), 'utf8')) as Doc[]).filter(Boolean).map((d) => ({ ...d, file })),
);
const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
const deployment = (role: string) => find('Deployment', `trading-bot-${role}`)!;
const container = (role: string) => deployment(role).spec.template.spec.containers[0];

describe('Kubernetes manifests', () => {
  it('every document has apiVersion, kind and metadata.name, and kustomization lists every file', () => {
    for (const d of docs) {
      expect({
        file: d.file,
        ok: Boolean(d.apiVersion && d.kind && (d.kind === 'Kustomization' || d.metadata?.name)),
      }).toEqual({ file: d.file, ok: true });
    }
    const kust = docs.find((d) => d.kind === 'Kustomization')!;
    expect([...kust.resources!].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it.each(['api', 'worker', 'feed'])(
    '%s: Deployment runs its role, non-root, with live and ready probes',
    (role) => {
      const d = deployment(role);
      expect(d.apiVersion).toBe('apps/v1');
      expect(d.spec.selector.matchLabels).toEqual(
        expect.objectContaining({ 'app.kubernetes.io/component': role }),
      );
      expect(d.spec.template.metadata.labels).toEqual(expect.objectContaining(d.spec.selector.matchLabels));
      const c = container(role);
      expect(c.env).toEqual(expect.arrayContaining([{ name: 'APP_ROLES', value: role }]));
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.envFrom).toEqual([
        { configMapRef: { name: 'trading-bot-config' } },
        { secretRef: { name: 'trading-bot-secrets' } },
      ]);
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(c.resources.requests).toBeDefined();
      expect(d.spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
    },
  );

  it('feed runs exactly one replica and is replaced with Recreate so two never overlap', () => {
    expect(deployment('feed').spec.replicas).toBe(1);
    expect(deployment('feed').spec.strategy.type).toBe('Recreate');
    expect(
      docs.find(
        (d) => d.kind === 'HorizontalPodAutoscaler' && d.spec.scaleTargetRef.name === 'trading-bot-feed',
      ),
    ).toBeUndefined();
  });

  it('only the api role runs migrations', () => {
    const migrate = (role: string) =>
      container(role).env.find((e: { name: string }) => e.name === 'DATABASE_MIGRATIONS_RUN')?.value;
    expect(['api', 'worker', 'feed'].map(migrate)).toEqual(['true', 'false', 'false']);
  });

  it('api scales with an HPA (min >= 2) and keeps a pod through disruptions', () => {
    const hpa = find('HorizontalPodAutoscaler', 'trading-bot-api')!;
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'trading-bot-api',
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const pdb = find('PodDisruptionBudget', 'trading-bot-api')!;
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment('api').spec.selector.matchLabels);
  });

  it('each role has a Service selecting its pods on the named http port', () => {
    for (const role of ['api', 'worker', 'feed']) {
      const svc = find('Service', `trading-bot-${role}`)!;
      expect(svc.spec.selector).toEqual(deployment(role).spec.selector.matchLabels);
      expect(svc.spec.ports[0]).toMatchObject({ port: 8000, targetPort: 'http' });
    }
  });

  it('the Ingress terminates TLS and routes to the api Service', () => {
    const ing = find('Ingress', 'trading-bot')!;
    expect(ing.spec.tls[0].secretName).toBeTruthy();
    expect(ing.spec.tls[0].hosts).toContain(ing.spec.rules[0].host);
    expect(ing.spec.rules[0].http.paths[0].backend.service.name).toBe('trading-bot-api');
  });

  it('the ConfigMap holds no secret and the Secret template holds every secret, as placeholders', () => {
    const cm = find('ConfigMap', 'trading-bot-config')!;
    for (const k of Object.keys(cm.data!))
      expect(k).not.toMatch(/SECRET|PASSWORD|TOKEN|PIN|KEY|DATABASE_URL/);
    const secret = find('Secret', 'trading-bot-secrets')!;
    for (const k of [
      'DATABASE_URL',
      'REDIS_URL',
      'SECRET_KEY',
      'ADMIN_PASSWORD',
      'CREDENTIALS_ENCRYPTION_KEY',
      'METRICS_TOKEN',
      'ANGEL_TOTP_SECRET',
      'ALERT_WEBHOOK_SECRET',
      'TELEGRAM_BOT_TOKEN',
    ]) {
      expect(secret.stringData).toHaveProperty(k);
    }
    for (const k of ['SECRET_KEY', 'ADMIN_PASSWORD', 'METRICS_TOKEN'])
      expect(secret.stringData![k]).toMatch(/REPLACE/);
  });
});
