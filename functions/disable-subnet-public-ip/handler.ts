import { createHandler } from '../../shared/handler.js';
import { disableSubnetPublicIp } from './index.js';

export const handler = createHandler(disableSubnetPublicIp);
