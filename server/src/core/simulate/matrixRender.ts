import type { Matrix } from './matrix';
import { matrixCsv, matrixJson, matrixMarkdown } from './matrixFormats';
import { matrixHtml } from './matrixHtml';

export type MatrixFormat = 'md' | 'csv' | 'html' | 'json';

export const MATRIX_FORMATS: readonly MatrixFormat[] = ['md', 'csv', 'html', 'json'];

/** A matrix in one of its export formats; `nonce` is the HTML page's CSP nonce (webviews). */
export function renderMatrix(matrix: Matrix, format: MatrixFormat, nonce?: string): string {
  switch (format) {
    case 'md':
      return matrixMarkdown(matrix);
    case 'csv':
      return matrixCsv(matrix);
    case 'html':
      return matrixHtml(matrix, nonce);
    case 'json':
      return matrixJson(matrix);
  }
}
