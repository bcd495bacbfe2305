/** Maps an OpenAI API request (already read and parsed) to the mock's Reply. */
import { handleChatCompletions } from './chat.js';
import { handleCompletions } from './completions.js';
import { handleEmbeddings } from './embeddings.js';
import { invalidRequest } from './errors.js';
import { handleListModels, handleRetrieveModel } from './models.js';
import { json, type Reply, type ReplyContext } from './reply.js';
import { isObject } from './text.js';

export const NOT_JSON = Symbol('not json');

const JSON_POSTS: Record<string, (body: Record<string, any>, ctx: ReplyContext) => Reply> = {
  '/v1/chat/completions': handleChatCompletions,
  '/v1/completions': handleCompletions,
  '/v1/embeddings': handleEmbeddings,
};

export function route(method: string, path: string, body: unknown, ctx: ReplyContext): Reply {
  const post = JSON_POSTS[path];
  if (method === 'POST' && post) {
    if (body === NOT_JSON || body === undefined) {
      return json(400, invalidRequest("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"));
    }
    if (!isObject(body)) return json(400, invalidRequest('Invalid type for request body: expected an object.', null, 'invalid_type'));
    return post(body, ctx);
  }
  if (method === 'GET' && path === '/v1/models') return handleListModels();
  const model = /^\/v1\/models\/([^/]+)$/.exec(path);
  if (method === 'GET' && model) return handleRetrieveModel(decodeURIComponent(model[1]!));
  return json(404, invalidRequest(`Invalid URL (${method} ${path})`));
}
