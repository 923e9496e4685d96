// What a handler answers: the parts of a response envelope, encoded by the dispatcher.
import type { EnvelopeParts } from '../soap/encode-envelope.js';

export type WsmanResponse = Omit<EnvelopeParts, 'relatesTo'>;
