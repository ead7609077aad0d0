import { createHandler } from '../../shared/handler.js';
import { privatizeEksEndpoint } from './index.js';

export const handler = createHandler(privatizeEksEndpoint);
