import type { UserConfig } from 'vitest/config';

/** The vitest configuration every scorekit package uses, merged with `overrides`. */
export function scorekitVitestConfig(overrides?: UserConfig): UserConfig;
