package dev.datamix.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a browser shows it: a shoot-out-like set of runs (two policies × two seeds) is
 * rendered by headless Chromium (Debian's {@code chromium}, which {@code .ci/run} installs when
 * missing), with a probe script added to a copy of the page that records script errors and, per
 * chart, how many shapes of its clipped plot area (its data) have a non-empty bounding box. Skipped only outside CI when
 * there is no Chromium.
 */
class HtmlReportRenderTest {
  @TempDir Path dir;

  private static final String PROBE_HEAD = "<script>window.__errors=[];"
      + "window.addEventListener('error',e=>window.__errors.push(String(e.message)));</script>";
  private static final String PROBE_BODY = "<script>window.addEventListener('load',()=>{"
      + "const charts=[];document.querySelectorAll('svg').forEach((s,i)=>{let drawn=0;"
      + "s.querySelectorAll('[clip-path] path,[clip-path] polyline,[clip-path] polygon')"
      + ".forEach(e=>{const b=e.getBBox();"
      + "if(b.width>0||b.height>0)drawn++;});const t=s.querySelector('title');"
      + "charts.push({title:t?t.textContent:('svg '+i),drawn:drawn});});"
      + "const p=document.createElement('pre');p.id='render-check';"
      + "p.textContent=JSON.stringify({errors:window.__errors,charts:charts});"
      + "document.body.appendChild(p);});</script>";

  static Path chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    return null;
  }

  /** A run directory with 40 steps of metrics and a curve of 5 points. */
  static void run(Path dir, double offset, double skew) throws IOException {
    Files.createDirectories(dir);
    StringBuilder m = new StringBuilder();
    for (int t = 0; t < 40; t++) {
      double wa = 0.5 + skew * t / 40;
      m.append(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.4f,\"lr\":0.001,\"tokens\":%d,"
          + "\"weights\":{\"a\":%.4f,\"b\":%.4f},\"batchBlocks\":{\"a\":%d,\"b\":%d},"
          + "\"trainLoss\":{\"a\":%.4f,\"b\":%.4f}}%n", t, 5 - 0.05 * t + offset, 16 * (t + 1),
          wa, 1 - wa, Math.round(8 * wa), 8 - Math.round(8 * wa), 5 - 0.05 * t, 5.2 - 0.05 * t));
    }
    Files.writeString(dir.resolve("metrics.jsonl"), m);
    StringBuilder c = new StringBuilder();
    for (int k = 0; k <= 4; k++) {
      double l = 8 - 4 * Math.sqrt(k / 4.0) + offset;
      c.append(String.format(Locale.ROOT, "{\"step\":%d,\"tokens\":%d,\"meanBpb\":%.4f,"
          + "\"bpb\":{\"a\":%.4f,\"b\":%.4f}}%n", 10 * k, 160 * k, l, l - 0.1, l + 0.1));
    }
    Files.writeString(dir.resolve("curve.jsonl"), c);
  }

  @Test
  void everyChartDrawsAndThePageRaisesNoError() throws Exception {
    Path chromium = chromium();
    Assumptions.assumeTrue(chromium != null || System.getenv("CI") != null,
        "no Chromium here (CI installs it)");
    assertTrue(chromium != null, "CI must have Chromium: .ci/run installs Debian's chromium");
    List<RunData> runs = new ArrayList<>();
    for (String label : List.of("uniform", "velocity")) {
      for (int seed = 1; seed <= 2; seed++) {
        Path r = dir.resolve("runs").resolve(label + "-s" + seed);
        run(r, (label.equals("uniform") ? 0.05 : 0) + 0.01 * seed, label.equals("uniform")
            ? 0 : 0.3);
        runs.add(RunData.read(r));
      }
    }
    String page = HtmlReport.render(runs, "render check");
    assertTrue(page.contains("Policies over seeds") && page.contains("requested and achieved"),
        "the comparison section is on the page");
    Path probed = dir.resolve("probed.html");
    Files.writeString(probed, page.replace("<head>", "<head>" + PROBE_HEAD)
        .replace("</body>", PROBE_BODY + "</body>"), StandardCharsets.UTF_8);
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", probed.toUri().toString())
        .redirectError(dir.resolve("chromium.err").toFile()).start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    Matcher m = Pattern.compile("<pre id=\"render-check\">(.*?)</pre>", Pattern.DOTALL)
        .matcher(dom);
    assertTrue(m.find(), "the probe ran; chromium said: "
        + Files.readString(dir.resolve("chromium.err")));
    JsonNode check = Json.parse(m.group(1).replace("&quot;", "\"").replace("&lt;", "<")
        .replace("&gt;", ">").replace("&amp;", "&"));
    assertEquals(0, check.get("errors").size(), check.get("errors").toString());
    int svgs = page.split("<svg", -1).length - 1;
    assertEquals(svgs, check.get("charts").size(), "every chart was found");
    for (JsonNode c : check.get("charts")) {
      // what lies in the clipped plot area is the data: lines, bands, areas, bars
      assertTrue(c.get("drawn").asInt() >= 1, c.toString());
    }
    assertTrue(check.get("charts").toString().contains("mean ± sd over seeds"),
        check.get("charts").toString());
  }
}
