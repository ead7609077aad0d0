import { createHandler } from '../../shared/handler.js';
import { revokeOpenSsh } from './index.js';

export const handler = createHandler(revokeOpenSsh);
