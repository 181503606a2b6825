/**
 * The faults themselves, each confined to the system under test: its processes, its
 * RabbitMQ vhost and its PostgreSQL database. Other people's tests share the broker and the
 * server, so nothing here closes another vhost's connections or another database's
 * backends; the one exception, a real broker restart, is opt-in.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { projectionQueue, type Pool } from '@dreamcatcher/service-kit';
import { closeVhostConnections } from '@dreamcatcher/service-kit/testing';
import type { TestSystem } from '../support/system.js';

const run = promisify(execFile);

/** The suite's own database sessions carry this name, so that terminating the system's backends spares them. */
export const OBSERVER_APPLICATION = 'fault-suite';

export class Injectors {
  constructor(
    private readonly system: TestSystem,
    /** The suite's connection to the system's database (application_name OBSERVER_APPLICATION). */
    private readonly observer: Pool,
    private readonly databaseName: string,
  ) {}

  /** SIGKILLs the services together; each stays down until `start`. */
  async kill(names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.system.running.kill(name, 'SIGKILL')));
  }

  /** Starts the services and waits until each answers /ready. */
  async start(names: string[]): Promise<void> {
    for (const name of names) this.system.running.start(name);
    await Promise.all(names.map((name) => this.system.waitReady(name, 120_000)));
  }

  /** Messages ready in a projection's queue right now (a passive declare, on a connection of its own). */
  async backlog(projection: string): Promise<number> {
    const connection = await amqplib.connect(this.system.amqpUrl, { clientProperties: { connection_name: OBSERVER_APPLICATION } });
    try {
      const channel = await connection.createChannel();
      return (await channel.checkQueue(projectionQueue(projection))).messageCount;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** Force-closes every broker connection in the system's vhost; returns how many. */
  closeBrokerConnections(): Promise<number> {
    return closeVhostConnections(this.system.vhost);
  }

  /** Terminates every backend of the system's database except the suite's own; returns how many. */
  async terminateBackends(): Promise<number> {
    const { rows } = await this.observer.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
       WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> $2`,
      [this.databaseName, OBSERVER_APPLICATION],
    );
    return rows.filter((row) => row.terminated).length;
  }

  /** A real broker restart (every vhost on the broker feels it): stop_app, a pause, start_app. */
  async restartBroker(pauseMs = 2_000): Promise<void> {
    await run('rabbitmqctl', ['-q', 'stop_app'], { timeout: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await run('rabbitmqctl', ['-q', 'start_app'], { timeout: 120_000 });
    await run('rabbitmqctl', ['-q', 'await_startup', '--timeout', '120'], { timeout: 130_000 });
  }
}
