import { CommandIds, GUIDANCE_INDEX_ID } from '../ids';
import { sanitizeGuidanceContext, type GuidanceTarget } from '../domain/guidanceTarget';
import { GuidancePanel } from '../guidance/guidancePanel';

/**
 * Opens the guidance panel on an entry. Called from hovers (command links), terminal links and
 * the tree; not in the palette. Arguments arrive from command URIs, so they are checked.
 */
export class OpenGuidanceCommand {
  readonly id = CommandIds.openGuidance;

  constructor(private readonly panel: GuidancePanel) {}

  execute(arg?: unknown): void {
    this.panel.show(toTarget(arg));
  }
}

function toTarget(arg: unknown): GuidanceTarget {
  if (typeof arg === 'string' && arg.trim()) {
    return { id: arg.trim().slice(0, 200) };
  }
  if (typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string') {
    const a = arg as { id: string; context?: unknown };
    return { id: a.id.slice(0, 200), context: sanitizeGuidanceContext(a.context) };
  }
  return { id: GUIDANCE_INDEX_ID };
}
