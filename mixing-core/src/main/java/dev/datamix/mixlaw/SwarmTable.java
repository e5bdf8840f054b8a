package dev.datamix.mixlaw;

import dev.datamix.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A swarm's results in Olmix's layout ({@code olmix/fit/loaders.py}, {@code load_from_csv}):
 * {@code ratios.csv} with columns {@code run,name,index,<domain>…} (one row per run, the weights
 * summing to 1 within 0.01) and {@code metrics.csv} with {@code run,name,index,<metric>…}; either
 * may call its id column {@code run_id}. Runs are matched by id; a run in only one file is left
 * out, as Olmix does. An empty metric cell is {@code NaN}. Immutable.
 *
 * @param domains the ratio columns
 * @param metricNames the metric columns
 * @param runs the runs present in both files, in {@code ratios.csv}'s order
 */
public record SwarmTable(List<String> domains, List<String> metricNames, List<Row> runs) {
  /** The files of a swarm directory. */
  public static final String RATIOS = "ratios.csv";

  /** See {@link #RATIOS}. */
  public static final String METRICS = "metrics.csv";

  /**
   * One run.
   *
   * @param id the run id
   * @param name its display name
   * @param ratios its weights, in {@link #domains()} order
   * @param metrics its metrics, in {@link #metricNames()} order ({@code NaN}: missing)
   */
  public record Row(String id, String name, double[] ratios, double[] metrics) {}

  /** Validates shapes. */
  public SwarmTable {
    domains = List.copyOf(domains);
    metricNames = List.copyOf(metricNames);
    runs = List.copyOf(runs);
    for (Row r : runs) {
      if (r.ratios().length != domains.size() || r.metrics().length != metricNames.size()) {
        throw new IllegalArgumentException("run '" + r.id() + "' has " + r.ratios().length
            + " ratios and " + r.metrics().length + " metrics; expected " + domains.size()
            + " and " + metricNames.size());
      }
    }
  }

  /** The values of metric {@code name} per run. */
  public double[] metric(String name) {
    int j = metricNames.indexOf(name);
    if (j < 0) {
      throw new IllegalArgumentException("metric '" + name + "' is not in the swarm; metrics: "
          + metricNames);
    }
    return runs.stream().mapToDouble(r -> r.metrics()[j]).toArray();
  }

  /** Every run's ratios, rows in run order. */
  public double[][] ratios() {
    return runs.stream().map(r -> r.ratios().clone()).toArray(double[][]::new);
  }

  /** Writes {@link #RATIOS} and {@link #METRICS} into {@code dir}, each atomically. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder ratios = new StringBuilder("run,name,index");
    domains.forEach(d -> ratios.append(',').append(quote(d)));
    StringBuilder metrics = new StringBuilder("run,name,index");
    metricNames.forEach(m -> metrics.append(',').append(quote(m)));
    for (int i = 0; i < runs.size(); i++) {
      Row r = runs.get(i);
      String head = "\n" + quote(r.id()) + "," + quote(r.name()) + "," + i;
      ratios.append(head);
      for (double v : r.ratios()) {
        ratios.append(',').append(v);
      }
      metrics.append(head);
      for (double v : r.metrics()) {
        metrics.append(',').append(Double.isNaN(v) ? "" : Double.toString(v));
      }
    }
    AtomicFiles.writeString(dir.resolve(RATIOS), ratios + "\n");
    AtomicFiles.writeString(dir.resolve(METRICS), metrics + "\n");
  }

  /** Reads {@link #RATIOS} and {@link #METRICS} from {@code dir}. */
  public static SwarmTable read(Path dir) throws IOException {
    return read(dir.resolve(RATIOS), dir.resolve(METRICS));
  }

  /**
   * Reads a ratios and a metrics file.
   *
   * @throws IllegalArgumentException naming the file, line and column of a malformed cell, or a
   *     row whose ratios are negative or do not sum to 1 within 0.01
   */
  public static SwarmTable read(Path ratiosFile, Path metricsFile) throws IOException {
    Csv ratios = Csv.read(ratiosFile);
    Csv metrics = Csv.read(metricsFile);
    Map<String, double[]> byId = new HashMap<>();
    for (int i = 0; i < metrics.rows.size(); i++) {
      byId.put(metrics.id(i), metrics.values(i, true));
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ratios.rows.size(); i++) {
      double[] r = ratios.values(i, false);
      double sum = 0;
      for (int j = 0; j < r.length; j++) {
        if (r[j] < 0) {
          throw ratios.error(i, ratios.dataColumns.get(j), "a ratio must be >= 0, got " + r[j]);
        }
        sum += r[j];
      }
      if (Math.abs(sum - 1) > 0.01) {
        throw ratios.error(i, null, "ratios must sum to 1 within 0.01, got " + sum);
      }
      double[] m = byId.get(ratios.id(i));
      if (m != null) {
        rows.add(new Row(ratios.id(i), ratios.name(i), r, m));
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no run id of " + ratiosFile + " is in " + metricsFile);
    }
    return new SwarmTable(ratios.dataColumns, metrics.dataColumns, rows);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** A parsed CSV file: the id, name and data columns. */
  private static final class Csv {
    final Path file;
    final List<String> header;
    final List<List<String>> rows;
    final int idColumn;
    final int nameColumn;
    final List<String> dataColumns = new ArrayList<>();
    final List<Integer> dataIndex = new ArrayList<>();

    private Csv(Path file, List<String> header, List<List<String>> rows) {
      this.file = file;
      this.header = header;
      this.rows = rows;
      int id = header.indexOf("run_id");
      this.idColumn = id >= 0 ? id : header.indexOf("run");
      if (idColumn < 0) {
        throw new IllegalArgumentException(file + ": no id column: expected 'run' or 'run_id', "
            + "found " + header);
      }
      this.nameColumn = header.indexOf("name");
      for (int j = 0; j < header.size(); j++) {
        String h = header.get(j);
        if (!List.of("run", "run_id", "name", "index").contains(h) && !h.startsWith("Unnamed")
            && !h.isEmpty()) {
          dataColumns.add(h);
          dataIndex.add(j);
        }
      }
    }

    static Csv read(Path file) throws IOException {
      if (!Files.exists(file)) {
        throw new java.io.FileNotFoundException(file + " does not exist");
      }
      List<String> lines = Files.readAllLines(file);
      List<List<String>> parsed = new ArrayList<>();
      for (String line : lines) {
        if (!line.isBlank()) {
          parsed.add(split(line));
        }
      }
      if (parsed.isEmpty()) {
        throw new IllegalArgumentException(file + " is empty: expected a header line");
      }
      Csv c = new Csv(file, parsed.get(0), parsed.subList(1, parsed.size()));
      for (int i = 0; i < c.rows.size(); i++) {
        if (c.rows.get(i).size() != c.header.size()) {
          throw c.error(i, null, "has " + c.rows.get(i).size() + " cells but the header has "
              + c.header.size());
        }
      }
      return c;
    }

    String id(int row) {
      return rows.get(row).get(idColumn);
    }

    String name(int row) {
      return nameColumn < 0 ? id(row) : rows.get(row).get(nameColumn);
    }

    double[] values(int row, boolean emptyIsNaN) {
      double[] v = new double[dataIndex.size()];
      for (int j = 0; j < v.length; j++) {
        String cell = rows.get(row).get(dataIndex.get(j)).strip();
        if (cell.isEmpty() && emptyIsNaN) {
          v[j] = Double.NaN;
          continue;
        }
        try {
          v[j] = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
          throw error(row, dataColumns.get(j), "is not a number: '" + cell + "'");
        }
        if (!Double.isFinite(v[j]) && !(emptyIsNaN && Double.isNaN(v[j]))) {
          throw error(row, dataColumns.get(j), "must be finite, got " + cell);
        }
      }
      return v;
    }

    IllegalArgumentException error(int row, String column, String what) {
      return new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d%s %s", file,
          row + 2, column == null ? "" : " column '" + column + "'", what));
    }

    private static List<String> split(String line) {
      List<String> out = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char ch = line.charAt(i);
        if (quoted) {
          if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else if (ch == '"') {
            quoted = false;
          } else {
            cell.append(ch);
          }
        } else if (ch == '"') {
          quoted = true;
        } else if (ch == ',') {
          out.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(ch);
        }
      }
      out.add(cell.toString());
      return out;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SwarmTable t) || !domains.equals(t.domains)
        || !metricNames.equals(t.metricNames) || runs.size() != t.runs.size()) {
      return false;
    }
    for (int i = 0; i < runs.size(); i++) {
      Row a = runs.get(i);
      Row b = t.runs.get(i);
      if (!a.id().equals(b.id()) || !a.name().equals(b.name())
          || !Arrays.equals(a.ratios(), b.ratios()) || !Arrays.equals(a.metrics(), b.metrics())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return domains.hashCode() * 31 + runs.size();
  }
}
