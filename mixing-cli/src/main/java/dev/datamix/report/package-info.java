/**
 * Reports of training runs: {@link dev.datamix.report.RunData} reads a run directory's {@code
 * metrics.jsonl} and {@code curve.jsonl}; {@link dev.datamix.report.HtmlReport} writes one
 * self-contained HTML page with inline SVG charts ({@link dev.datamix.report.Chart}, the one chart stack: XChart for PNG, SVG and HTML).
 */
package dev.datamix.report;
