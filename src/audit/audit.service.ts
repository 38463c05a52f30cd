import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { canonicalJson, redactSecrets } from '@/common/canonical-json';
import { AuditLogEntity } from './audit-log.entity';

export const GENESIS_HASH = '0'.repeat(64);
/** One advisory lock serialises appends so every row links to its true predecessor. */
const AUDIT_LOCK_KEY = 727_001;

export interface AuditRecord {
  actorId?: string | null;
  actorName?: string | null;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId?: string;
  reason?: string;
}

export function auditContent(
  row: Pick<AuditLogEntity, 'at' | 'actorId' | 'actorName' | 'action' | 'target' | 'details' | 'ip'>,
): string {
  return canonicalJson({
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    target: row.target,
    details: row.details,
    ip: row.ip,
  });
}

export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async record(rec: AuditRecord): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      const last = await em
        .getRepository(AuditLogEntity)
        .find({ order: { id: 'DESC' }, take: 1, select: { hash: true } });
      const prevHash = last[0]?.hash ?? GENESIS_HASH;
      const row = em.getRepository(AuditLogEntity).create({
        at: new Date(),
        actorId: rec.actorId ?? null,
        actorName: rec.actorName ?? null,
        action: rec.action,
        target: rec.target ?? null,
        details: redactSecrets(rec.details ?? {}),
        ip: rec.ip ?? null,
        prevHash,
      });
      row.hash = chainHash(prevHash, auditContent(row));
      await em.getRepository(AuditLogEntity).save(row);
    });
  }

  async list(q: {
    page: number;
    pageSize: number;
    action?: string;
    actorId?: string;
    from?: Date;
    to?: Date;
  }) {
    const qb = this.ds.getRepository(AuditLogEntity).createQueryBuilder('a');
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: q.actorId });
    if (q.from) qb.andWhere('a.at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.at < :to', { to: q.to });
    const [items, total] = await qb
      .orderBy('a.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  /** Walks the chain from the first row and names the first row whose link or content does not match. */
  async verify(): Promise<AuditVerifyResult> {
    const repo = this.ds.getRepository(AuditLogEntity);
    let prevHash = GENESIS_HASH;
    let lastId = '0';
    let checked = 0;
    for (;;) {
      const rows = await repo
        .createQueryBuilder('a')
        .where('a.id > :lastId', { lastId })
        .orderBy('a.id', 'ASC')
        .take(1000)
        .getMany();
      if (rows.length === 0) return { ok: true, checked };
      for (const row of rows) {
        if (row.prevHash !== prevHash) {
          return {
            ok: false,
            checked,
            firstBrokenId: row.id,
            reason: 'prev_hash does not link to the previous row (a row was removed or reordered)',
          };
        }
        if (chainHash(prevHash, auditContent(row)) !== row.hash) {
          return {
            ok: false,
            checked,
            firstBrokenId: row.id,
            reason: 'content does not match its hash (the row was edited)',
          };
        }
        prevHash = row.hash;
        lastId = row.id;
        checked++;
      }
    }
  }
}
