import type { ReactNode } from "react";

/**
 * Legend labels in the page's text colour: recharts colours each label like its series, and the
 * light series (waiting, not held) then read poorly on white. The swatch keeps the series colour.
 */
export function legendLabel(value: ReactNode): ReactNode {
  return <span style={{ color: "#334155" }}>{value}</span>;
}

export const LEGEND_STYLE = { fontSize: 12 } as const;
