// GET /healthz and GET /readyz.

import { Type } from 'typebox';

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
