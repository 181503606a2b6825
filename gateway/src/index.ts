/**
 * @dreamcatcher/gateway: the HTTP API. `startGateway` runs it on real resources;
 * `createGateway` assembles the Express app from its dependencies; the API key functions
 * serve command-line tools.
 */
export { createGateway, CHECKPOINT_CHANNEL, DREAM_CHANGES_CHANNEL, type Gateway, type GatewayDeps, type GatewaySettings } from './app.js';
export { startGateway, type RunningGateway } from './server.js';
export { readGatewayConfig, type GatewayConfig, type JwtConfig } from './config.js';
export { apiKeyMigrations, createApiKey, listApiKeys, revokeApiKey, principalForApiKey, type ApiKeyInfo, type CreatedApiKey } from './auth/api-keys.js';
export { createTokenVerifier, type VerifyToken } from './auth/jwt.js';
export { ROLES, type Principal, type Role } from './auth/roles.js';
