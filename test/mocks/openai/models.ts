/** GET /v1/models and GET /v1/models/{id}: the documented Model list / Model objects. */
import { invalidRequest } from './errors.js';
import { json, type Reply } from './reply.js';

export const MOCK_MODELS: ReadonlyArray<{ id: string; object: 'model'; created: number; owned_by: string }> = [
  { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
  { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' },
  { id: 'text-embedding-3-small', object: 'model', created: 1705948997, owned_by: 'system' },
];

export function handleListModels(): Reply {
  return json(200, { object: 'list', data: MOCK_MODELS });
}

export function handleRetrieveModel(id: string): Reply {
  const model = MOCK_MODELS.find((m) => m.id === id);
  if (model) return json(200, model);
  return json(404, invalidRequest(`The model '${id}' does not exist`, 'model', 'model_not_found'));
}
