import { CommandIds, GUIDANCE_INDEX_ID } from '../commandIds';
import type { GuidanceContext, GuidanceTarget } from '../guidance/guidanceRenderer';
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
    const c = typeof a.context === 'object' && a.context !== null ? a.context as Record<string, unknown> : undefined;
    const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
    const context: GuidanceContext | undefined = c && {
      code: str(c.code, 200),
      node: str(c.node, 253),
      reason: str(c.reason, 100),
      message: str(c.message, 2000),
      seenAt: typeof c.seenAt === 'number' ? c.seenAt : undefined,
    };
    return { id: a.id.slice(0, 200), context };
  }
  return { id: GUIDANCE_INDEX_ID };
}
