package dev.datamix.examples.dga;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.examples.ExampleArgs;
import dev.datamix.report.RunData;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * DGA (Fan, Grangier and Ablin, 2024) toward a small target set: the demo corpus's {@code
 * target_mix} (60% arithmetic-style, 40% code-style lines) is held out from training; every
 * {@code updateEvery} steps the trainer measures each domain's gradient alignment with the
 * target's gradient and DGA takes an exponentiated-gradient step on the weights. The same run
 * under the uniform mix is the baseline. See {@code examples/dga/README.md}.
 */
public final class DgaTowardTarget {
  private DgaTowardTarget() {}

  /** Options: {@code --tiny}, {@code --work=DIR}. */
  public static void main(String[] args) throws IOException {
    ExampleArgs a = ExampleArgs.parse("dga", args);
    a.freshWorkDirectory();
    long steps = a.size(240, 8);
    String dga = "{\"policy\": \"dga\", \"config\": {\"updateEvery\": " + a.size(20, 2) + "}}";
    try (Corpus corpus = Corpus.open(a.demoCorpus())) {
      for (String policy : new String[] {"{\"policy\": \"uniform\"}", dga}) {
        Path run = a.work().resolve(Json.parse(policy).get("policy").asText());
        try (MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy(Json.parse(policy))
            .optConfig(a.trainer(steps, "{\"targetDomain\": \"target_mix\"}"))
            .setRunDirectory(run).build()) {
          double before = t.evaluateDomain("target_mix", Split.VALIDATION);
          t.train();
          double after = t.evaluateDomain("target_mix", Split.VALIDATION);
          System.out.printf(Locale.ROOT, "%-8s target_mix loss %.4f -> %.4f nats/token%n",
              run.getFileName(), before, after);
        }
        RunData data = RunData.read(run);
        StringBuilder w = new StringBuilder("         weights:");
        for (String d : data.domains()) {
          double[] s = data.weights().get(d);
          w.append(String.format(Locale.ROOT, " %s %.3f -> %.3f", d, s[0], s[s.length - 1]));
        }
        System.out.println(w);
      }
    }
  }
}
