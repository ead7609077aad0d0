import { createHandler } from '../../shared/handler.js';
import { removePodCidrTgwRoutes } from './index.js';

export const handler = createHandler(removePodCidrTgwRoutes);
