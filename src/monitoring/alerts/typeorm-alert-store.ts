import { IsNull, MoreThanOrEqual, type DataSource, type FindOptionsWhere, type Repository } from 'typeorm';
import type { AlertStatus, DeliveryResult } from './alert.types';
import { AlertEntity } from './alert.entity';
import { AlertStore, type AlertPage, type AlertQuery, type AlertRow } from './alert-store';

export class TypeormAlertStore extends AlertStore {
  private readonly repo: Repository<AlertEntity>;

  constructor(ds: DataSource) {
    super();
    this.repo = ds.getRepository(AlertEntity);
  }

  async insert(row: AlertRow): Promise<void> {
    await this.repo.insert({ ...row, details: row.details as never, deliveries: row.deliveries as never });
  }

  async finish(id: string, status: AlertStatus, deliveries: DeliveryResult[]): Promise<void> {
    await this.repo.update({ id }, { status, deliveries });
  }

  async repeat(id: string, at: Date): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ occurrences: () => 'occurrences + 1', lastSeenAt: at })
      .where('id = :id', { id })
      .execute();
  }

  async resolve(key: string, at: Date): Promise<void> {
    await this.repo.update({ key, resolvedAt: IsNull() }, { resolvedAt: at });
  }

  async list(q: AlertQuery): Promise<AlertPage> {
    const where: FindOptionsWhere<AlertEntity> = {};
    if (q.severity) where.severity = q.severity;
    if (q.key) where.key = q.key;
    if (q.since) where.createdAt = MoreThanOrEqual(q.since);
    const [items, total] = await this.repo.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items, total, page: q.page, pageSize: q.pageSize };
  }
}
