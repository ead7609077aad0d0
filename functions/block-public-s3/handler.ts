import { createHandler } from '../../shared/handler.js';
import { blockPublicS3 } from './index.js';

export const handler = createHandler(blockPublicS3);
