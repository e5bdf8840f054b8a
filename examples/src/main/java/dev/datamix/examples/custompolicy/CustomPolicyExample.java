package dev.datamix.examples.custompolicy;

import dev.datamix.corpus.Corpus;
import dev.datamix.corpus.Split;
import dev.datamix.djl.train.MixingTrainer;
import dev.datamix.examples.ExampleArgs;
import dev.datamix.examples.LossTable;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writing a policy and registering it through {@code ServiceLoader}: {@link LossSoftmaxPolicy}
 * is listed in this module's {@code META-INF/services/dev.datamix.policy.MixingPolicyProvider},
 * so {@code PolicyRegistry.load()} finds it by name, and the trainer (or {@code datamix train
 * --policy example-loss-softmax}) runs it like a built-in policy. See {@code
 * examples/custom-policy/README.md}.
 */
public final class CustomPolicyExample {
  private CustomPolicyExample() {}

  /** Options: {@code --tiny}, {@code --work=DIR}. */
  public static void main(String[] args) throws IOException {
    ExampleArgs a = ExampleArgs.parse("custom-policy", args);
    a.freshWorkDirectory();
    PolicyRegistry registry = PolicyRegistry.load();
    System.out.println("registered policies: " + registry.names());
    System.out.println("example-loss-softmax keys: "
        + registry.provider("example-loss-softmax").configSchema().keys());
    Path run = a.work().resolve("run");
    try (Corpus corpus = Corpus.open(a.demoCorpus());
        MixingTrainer t = MixingTrainer.builder().setCorpus(corpus)
            .setPolicy(Json.parse("{\"policy\": \"example-loss-softmax\", "
                + "\"config\": {\"temperature\": 0.25}}"))
            .optConfig(a.trainer(a.size(200, 6), "{}"))
            .setRunDirectory(run).build()) {
      double[] before = t.evaluate(Split.VALIDATION);
      t.train();
      LossTable.print(t, run, before, t.evaluate(Split.VALIDATION));
    }
  }
}
