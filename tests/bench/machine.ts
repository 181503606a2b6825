/** The machine a run measured, printed and saved with its figures. */
import os from 'node:os';
import amqplib from 'amqplib';
import pg from 'pg';
import { TEST_AMQP_URL, TEST_DATABASE_URL } from '@dreamcatcher/service-kit/testing';

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string;
  rabbitmq: string;
  loadAverageBefore: number[];
  loadAverageAfter?: number[];
  seconds?: number;
  date: string;
}

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

async function rabbitmqVersion(): Promise<string> {
  const connection = await amqplib.connect(TEST_AMQP_URL);
  try {
    const properties = (connection.connection as unknown as { serverProperties?: { version?: string } }).serverProperties;
    return properties?.version ?? 'unknown';
  } finally {
    await connection.close();
  }
}

export async function machineFacts(): Promise<MachineFacts> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await postgresVersion(),
    rabbitmq: await rabbitmqVersion(),
    loadAverageBefore: os.loadavg().map((load) => Number(load.toFixed(2))),
    date: new Date().toISOString(),
  };
}
