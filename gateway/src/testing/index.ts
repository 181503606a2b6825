/** Test helpers of the gateway: clients for its live endpoints and a fixture running it on a fresh database. */
export { openSse, openWs, type SseClient, type SseEvent, type WsClient } from './live-clients.js';
export { aCapture, useGateway, TEST_JWT_SECRET, type GatewayFixture, type Reply } from './gateway-fixture.js';
