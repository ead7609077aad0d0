import { createHandler } from '../../shared/handler.js';
import { stripInternetRoutes } from './index.js';

export const handler = createHandler(stripInternetRoutes);
