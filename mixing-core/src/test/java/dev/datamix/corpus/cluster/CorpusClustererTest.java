package dev.datamix.corpus.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.CorpusManifest;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.demo.DemoCorpus;
import dev.datamix.state.AtomicFiles;
import dev.datamix.state.ExistingOutput;
import dev.datamix.state.IncompatibleStateException;
import dev.datamix.state.Json;
import dev.datamix.state.OutputExistsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusClustererTest {
  @TempDir
  static Path dir;
  static Path source;

  @BeforeAll
  static void corpus() throws IOException {
    source = dir.resolve("demo");
    DemoCorpus.write(source, 40_000, 32, 1);
  }

  static ClusterSettings settings(int k) {
    return new ClusterSettings(List.of("arith", "noise", "template"), List.of("target_mix"), k,
        256, 2_000, 7, 30, "c");
  }

  @Test
  void kMeansFindsSeparatedGroupsTheSameWayTwice() {
    float[][] points = new float[60][];
    for (int i = 0; i < points.length; i++) {
      int g = i % 3;
      points[i] = new float[] {g == 0 ? 1 : 0.05f * (i % 5), g == 1 ? 1 : 0.05f * (i % 7),
          g == 2 ? 1 : 0.05f * (i % 4)};
      double n = Math.sqrt(points[i][0] * points[i][0] + points[i][1] * points[i][1]
          + points[i][2] * points[i][2]);
      for (int f = 0; f < 3; f++) {
        points[i][f] /= (float) n;
      }
    }
    float[][] c = KMeans.fit(points, 3, 5, 50);
    assertArrayEquals(c[0], KMeans.fit(points, 3, 5, 50)[0]);
    Set<Integer> groups = new HashSet<>();
    for (int i = 0; i < points.length; i++) {
      int a = KMeans.nearest(c, points[i]);
      for (int j = i % 3; j < points.length; j += 3) {
        assertEquals(a, KMeans.nearest(c, points[j]), "points of one group share a cluster");
      }
      groups.add(a);
    }
    assertEquals(3, groups.size());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> KMeans.fit(points, 61, 1, 5))
        .getMessage().contains("clusters"));
  }

  @Test
  void everyBlockLandsInOneClusterWithItsTokens() throws IOException {
    Path out = dir.resolve("clustered");
    JsonNode report = new CorpusClusterer(source, out, settings(6), null)
        .run(ExistingOutput.REFUSE);
    try (Corpus src = Corpus.open(source); Corpus c = Corpus.open(out)) {
      assertEquals(7, c.domainNames().size());
      assertEquals("c00", c.domainNames().get(0));
      assertEquals("target_mix", c.domainNames().get(6));
      for (Split split : Split.values()) {
        long before = 0;
        for (String d : List.of("arith", "noise", "template")) {
          before += src.blocks(src.domainIndex(d), split);
        }
        long after = 0;
        for (int k = 0; k < 6; k++) {
          after += c.blocks(k, split);
        }
        assertEquals(before, after, "every block of " + split + " is in one cluster");
      }
      // a cluster's block reads a source block's inputs
      Set<String> sourceBlocks = new HashSet<>();
      int[] buf = new int[33];
      for (String d : List.of("arith", "noise", "template")) {
        int di = src.domainIndex(d);
        for (long b = 0; b < src.blocks(di, Split.TRAIN); b++) {
          src.readBlock(di, Split.TRAIN, b, buf, 0);
          sourceBlocks.add(java.util.Arrays.toString(java.util.Arrays.copyOf(buf, 32)));
        }
      }
      for (int k = 0; k < 6; k++) {
        for (long b = 0; b < c.blocks(k, Split.TRAIN); b += 7) {
          c.readBlock(k, Split.TRAIN, b, buf, 0);
          assertTrue(sourceBlocks.contains(java.util.Arrays.toString(
              java.util.Arrays.copyOf(buf, 32))), "cluster " + k + " block " + b);
        }
      }
      assertEquals(src.tokens(src.domainIndex("target_mix"), Split.TRAIN),
          c.tokens(6, Split.TRAIN), "a kept domain is copied whole");
    }
    // the demo's domains differ in kind: most clusters draw nearly all from one source
    int pure = 0;
    for (JsonNode row : report.get("clusters")) {
      double max = 0;
      for (JsonNode share : row.get("trainShareBySource")) {
        max = Math.max(max, share.asDouble());
      }
      pure += max > 0.9 ? 1 : 0;
    }
    assertTrue(pure >= 5, report.get("clusters").toString());
  }

  @Test
  void anInterruptedClusteringContinuesToTheSameCorpus() throws IOException {
    Path whole = dir.resolve("whole");
    new CorpusClusterer(source, whole, settings(4), null).run(ExistingOutput.REFUSE);
    Path cut = dir.resolve("cut");
    new CorpusClusterer(source, cut, settings(4), null).run(ExistingOutput.REFUSE);
    // as if stopped after the first (domain, split): no manifest, one assignment recorded
    Files.delete(cut.resolve(CorpusManifest.FILE_NAME));
    ObjectNode progress = (ObjectNode) Json.read(cut.resolve("cluster-progress.json"));
    ObjectNode first = Json.object();
    first.set("arith/train", progress.get("arith/train"));
    AtomicFiles.writeString(cut.resolve("cluster-progress.json"), Json.write(first));
    assertThrows(OutputExistsException.class, () -> new CorpusClusterer(source, cut,
        settings(4), null).run(ExistingOutput.REFUSE));
    assertTrue(assertThrows(IncompatibleStateException.class, () -> new CorpusClusterer(source,
        cut, settings(5), null).run(ExistingOutput.RESUME)).getMessage().contains("settings"));
    new CorpusClusterer(source, cut, settings(4), null).run(ExistingOutput.RESUME);
    assertEquals(Json.read(whole.resolve(CorpusManifest.FILE_NAME)),
        Json.read(cut.resolve(CorpusManifest.FILE_NAME)));
    for (JsonNode d : Json.read(whole.resolve(CorpusManifest.FILE_NAME)).get("domains")) {
      for (JsonNode sp : d.get("splits")) {
        for (JsonNode sh : sp.get("shards")) {
          String f = sh.get("file").asText();
          assertArrayEquals(Files.readAllBytes(whole.resolve(f)),
              Files.readAllBytes(cut.resolve(f)), f);
        }
      }
    }
    assertNotEquals(0, Files.size(whole.resolve("centroids.json")));
  }

  @Test
  void badSettingsNameTheParameter() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClusterSettings(
        List.of("a"), List.of("a"), 4, 8, 10, 1, 5, "c")).getMessage().contains("both"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClusterSettings(
        List.of("a"), List.of(), 1, 8, 10, 1, 5, "c")).getMessage().contains("clusters"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new CorpusClusterer(source,
        dir.resolve("bad"), new ClusterSettings(List.of("nope"), List.of(), 2, 8, 10, 1, 5, "c"),
        null).run(ExistingOutput.REFUSE)).getMessage().contains("nope"));
  }
}
