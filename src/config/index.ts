import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultDecisionTexts, loadDecisionTexts, type DecisionTexts } from '../decisions/texts';

/** The service's settings, read from the environment and validated once, at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  rulesDir: string;
  mongodbUri?: string;
  mongodbDb: string;
  auth: {
    tokensFile?: string;
    jwt?: { issuer: string; audience: string; jwksUrl?: string; publicKeyFile?: string; roleClaim: string; tilsynClaim: string };
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Minutes between scheduled re-check runs; 0 turns the scheduler off. */
  recheckIntervalMinutes: number;
  shutdownTimeoutMs: number;
  /** Minutes between full checks of the audit chain and the approvals against it; 0 checks only at start. */
  auditVerifyIntervalMinutes: number;
  /** Ed25519 private key (PEM) that signs audit heads; without it one is generated in dataDir. */
  auditSigningKeyFile?: string;
  /** Legal basis, duties and klagevejledning of the written decisions: DECISION_TEXTS_FILE, else the illustrative default. */
  decisionTexts: DecisionTexts;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };
  const existingFile = (name: string): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const resolved = path.resolve(cwd, raw);
    if (!existsSync(resolved) || !statSync(resolved).isFile()) problems.push(`${name}=${JSON.stringify(raw)}: no such file`);
    return resolved;
  };

  const port = int('PORT', 8080, 0, 65535);
  const shutdownTimeoutMs = int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000);
  const recheckIntervalMinutes = int('RECHECK_INTERVAL_MINUTES', 0, 0, 7 * 24 * 60);
  const auditVerifyIntervalMinutes = int('AUDIT_VERIFY_INTERVAL_MINUTES', 15, 0, 7 * 24 * 60);
  const auditSigningKeyFile = existingFile('AUDIT_SIGNING_KEY_FILE');
  const decisionTextsFile = existingFile('DECISION_TEXTS_FILE');
  let decisionTexts = defaultDecisionTexts();
  if (decisionTextsFile !== undefined && problems.every((p) => !p.startsWith('DECISION_TEXTS_FILE='))) {
    try {
      decisionTexts = loadDecisionTexts(decisionTextsFile);
    } catch (error) {
      problems.push(`DECISION_TEXTS_FILE: ${(error as Error).message}`);
    }
  }
  const dataDir = path.resolve(cwd, str('DATA_DIR') ?? 'data');
  const rulesDir = path.resolve(cwd, str('RULES_DIR') ?? 'rules');
  if (!existsSync(rulesDir) || !statSync(rulesDir).isDirectory()) problems.push(`RULES_DIR=${JSON.stringify(str('RULES_DIR') ?? 'rules')}: no such directory`);

  const mongodbUri = str('MONGODB_URI');
  if (mongodbUri !== undefined && !/^mongodb(\+srv)?:\/\/\S+$/.test(mongodbUri)) {
    problems.push('MONGODB_URI: must start with mongodb:// or mongodb+srv://');
  }
  const mongodbDb = str('MONGODB_DB') ?? 'specialfunktion';
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(mongodbDb)) problems.push(`MONGODB_DB=${JSON.stringify(mongodbDb)}: letters, digits, _ and - only, at most 63`);

  const logLevel = (str('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)}: must be one of ${LOG_LEVELS.join(', ')}`);

  const tokensFile = existingFile('AUTH_TOKENS_FILE');
  const issuer = str('AUTH_JWT_ISSUER');
  const audience = str('AUTH_JWT_AUDIENCE');
  const jwksUrl = str('AUTH_JWKS_URL');
  const publicKeyFile = existingFile('AUTH_JWT_PUBLIC_KEY_FILE');
  let jwt: Config['auth']['jwt'];
  if (issuer || audience || jwksUrl || publicKeyFile) {
    if (!issuer) problems.push('AUTH_JWT_ISSUER: required when JWT authentication is configured');
    if (!audience) problems.push('AUTH_JWT_AUDIENCE: required when JWT authentication is configured');
    if (!jwksUrl && !publicKeyFile) problems.push('AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY_FILE: one is required when JWT authentication is configured');
    if (jwksUrl && !/^https?:\/\/\S+$/.test(jwksUrl)) problems.push('AUTH_JWKS_URL: must be an http(s) URL');
    jwt = {
      issuer: issuer ?? '',
      audience: audience ?? '',
      jwksUrl,
      publicKeyFile,
      roleClaim: str('AUTH_JWT_ROLE_CLAIM') ?? 'role',
      tilsynClaim: str('AUTH_JWT_TILSYN_CLAIM') ?? 'tilsyn',
    };
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: str('HOST') ?? '0.0.0.0',
    dataDir,
    rulesDir,
    mongodbUri,
    mongodbDb,
    auth: { tokensFile, jwt },
    logLevel,
    recheckIntervalMinutes,
    shutdownTimeoutMs,
    auditVerifyIntervalMinutes,
    ...(auditSigningKeyFile ? { auditSigningKeyFile } : {}),
    decisionTexts,
  };
}
