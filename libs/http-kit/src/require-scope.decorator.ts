import { SetMetadata } from '@nestjs/common';
import type { Scope } from '#warden/contracts';

export const REQUIRED_SCOPE = 'warden:required-scope';

/** The scope an endpoint needs; the {@link ApiKeyGuard} checks it. */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);
