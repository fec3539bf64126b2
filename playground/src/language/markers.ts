// Live diagnostics: the compiler's errors as Monaco markers while typing (the same messages as the CLI).
import type { editor } from 'monaco-editor/editor';
import { monaco } from '../monaco';
import { analyze } from './analysis';

/** Sets the model's markers from the script's diagnostics; returns how many there are. */
export function updateMarkers(model: editor.ITextModel, config: Readonly<Record<string, string>>): number {
  const { diagnostics } = analyze(model.getValue(), config);
  const markers: editor.IMarkerData[] = diagnostics.map((d) => {
    const end = model.getPositionAt(Math.max(d.span.end, d.span.start + 1));
    const sameLine = end.lineNumber === d.span.line;
    return {
      severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      message: d.message,
      code: d.code,
      source: 'weir',
      startLineNumber: d.span.line,
      startColumn: d.span.column,
      endLineNumber: end.lineNumber,
      endColumn: sameLine ? Math.max(end.column, d.span.column + 1) : end.column,
    };
  });
  monaco.editor.setModelMarkers(model, 'weir', markers);
  return markers.length;
}
