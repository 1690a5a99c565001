/** Finds the platform a placement refers to (validation guarantees it exists). */
import type { Model, Placement, PlatformModel } from '../model/model.js';

/** Returns the placement's platform; throws on a dangling name, which validation rules out (a bug, not user input). */
export function platformOf(model: Model, placement: Placement): PlatformModel {
  const platform = model.platforms.find((p) => p.name === placement.platform);
  if (!platform) throw new Error(`placement refers to unknown platform ${JSON.stringify(placement.platform)}`);
  return platform;
}
