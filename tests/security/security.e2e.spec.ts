/**
 * The security suite: attacks on the running system through its gateway, each case listed
 * with what was expected and what happened (the table is printed at the end). The shared
 * test system runs the development configuration (HS256); a second gateway beside it runs
 * production's (JWKS keys, issuer and audience, a low rate limit, a short request deadline).
 */
import { expect } from 'chai';
import type { TestSystem } from '../support/system.js';
import { gatewaySystem } from '../e2e/gateway-system.js';
import { bodyCases, rateLimitCases } from './abuse-cases.js';
import { amplificationCases } from './amplification-cases.js';
import { apiKeyCases, roleCases, tokenCases } from './auth-cases.js';
import { securityContext, type SecurityContext } from './context.js';
import { startHardenedGateway, type HardenedGateway } from './hardened-gateway.js';
import { hardeningCases } from './hardening-cases.js';
import { importCases } from './imports-cases.js';
import { injectionCases } from './injection-cases.js';
import { isolationCases } from './isolation-cases.js';
import { poisonCases } from './poison-cases.js';
import { takeoverCases } from './takeover-cases.js';
import { liveCases } from './live-cases.js';
import { selfServiceCases } from './self-service-cases.js';
import { wireCases } from './wire-cases.js';

describe('security: attacks on the gateway of the running system', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let hardened: HardenedGateway | undefined;
  let ctx: SecurityContext;

  before(async function () {
    this.timeout(300_000);
    system = await gatewaySystem();
    hardened = await startHardenedGateway(system);
    ctx = await securityContext(system, hardened);
  });

  after(async function () {
    this.timeout(60_000);
    if (ctx) console.log(`\n${ctx.report.format()}\n`);
    await ctx?.observer.end();
    await hardened?.stop();
  });

  const area = (name: string, run: (context: SecurityContext) => Promise<void>, areaName: string) =>
    it(name, async () => {
      await run(ctx);
      expect(ctx.report.failures(areaName), `${areaName}: cases that did not hold`).to.deep.equal([]);
    });

  area('refuses forged, expired, future, unsigned, mis-issued and key-confused tokens', tokenCases, 'tokens');
  area('refuses API keys once revoked, and keys that are not keys', apiKeyCases, 'API keys');
  area("keeps every user out of every other user's dreams: 404 as for nothing, in body, headers, time and counts", isolationCases, "another user's ids");
  area('gives no role more than it holds', roleCases, 'role escalation');
  area('takes every filter as data, never as SQL', injectionCases, 'SQL injection');
  area('refuses oversized bodies and heads, and cuts off slow senders', bodyCases, 'oversized and slow bodies');
  area('keeps operations private and configuration strict', hardeningCases, 'hardening');
  area('cannot be talked out of its rate limit', rateLimitCases, 'rate-limit bypass');
  area('cannot amplify one request into unbounded work', amplificationCases, 'amplification');
  area('cannot take over a dream by the case of its id, nor learn it exists', takeoverCases, 'takeover');
  area("refuses every malformed export with a 4xx, and keeps each import its owner's", importCases, 'imports');
  area('cannot exhaust the gateway with live connections, nor keep one past its credentials', liveCases, 'live');
  area('cannot poison a projection, nor outlive erasure in a dead-letter queue', poisonCases, 'poison');
  area('keeps self-service API keys to their maker, with role user only, and the key path of the WebSocket to its key', selfServiceCases, 'self-service API keys');
  area("keeps the extension's import and capture keyed to the caller, and refuses malformed bodies", wireCases, "the extension's import and capture");
});
