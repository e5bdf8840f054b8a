package dev.datamix.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datamix.corpus.Split;
import dev.datamix.corpus.prepare.DocumentSource;
import dev.datamix.corpus.prepare.DocumentSourceProvider;
import dev.datamix.corpus.prepare.FileSources;
import dev.datamix.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads Hugging Face datasets for {@code prepare}:
 *
 * <ul>
 *   <li>a {@code save_to_disk} directory of a {@code Dataset}: {@code state.json} lists its Arrow
 *       stream files ({@code _data_files}, read in that order) and names its split ({@code
 *       _split}); {@code dataset_info.json} describes the features;
 *   <li>a {@code save_to_disk} directory of a {@code DatasetDict}: {@code dataset_dict.json}
 *       lists the splits, one such directory each;
 *   <li>an {@code .arrow} stream file, and a {@code .parquet} file (a Hub file such as {@code
 *       data/train-00000-of-00001.parquet} keeps the split its name gives).
 * </ul>
 *
 * <p>The split names {@code train}, {@code validation} (or {@code val}, {@code valid}) and
 * {@code test} map to datamix's splits; documents of any other split are assigned by the
 * document hash, as unsplit text is.
 *
 * @see <a href="https://huggingface.co/docs/datasets/">Hugging Face datasets</a>
 */
public final class HuggingFaceSources implements DocumentSourceProvider {
  /** For {@link java.util.ServiceLoader}. */
  public HuggingFaceSources() {}

  @Override
  public String formats() {
    return "Hugging Face save_to_disk directories, Arrow stream files and Parquet files";
  }

  @Override
  public boolean accepts(Path path) {
    if (Files.isDirectory(path)) {
      return Files.isRegularFile(path.resolve("state.json"))
          || Files.isRegularFile(path.resolve("dataset_dict.json"));
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".arrow") || name.endsWith(".parquet");
  }

  @Override
  public List<DocumentSource> sources(Path path, String textField) throws IOException {
    if (Files.isDirectory(path)) {
      return Files.isRegularFile(path.resolve("dataset_dict.json"))
          ? datasetDict(path, textField) : dataset(path, textField, Optional.empty());
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return List.of(name.endsWith(".parquet") ? new ParquetSource(path, textField)
        : new ArrowStreamSource(path, textField, FileSources.splitOf(path)));
  }

  private static List<DocumentSource> datasetDict(Path dir, String textField)
      throws IOException {
    JsonNode dict = read(dir.resolve("dataset_dict.json"));
    JsonNode splits = dict.path("splits");
    if (!splits.isArray() || splits.isEmpty()) {
      throw new IllegalArgumentException(dir.resolve("dataset_dict.json") + " lists no splits "
          + "(expected {\"splits\": [\"train\", ...]})");
    }
    List<DocumentSource> out = new ArrayList<>();
    for (JsonNode s : splits) {
      Path sub = dir.resolve(s.asText());
      if (!Files.isRegularFile(sub.resolve("state.json"))) {
        throw new IllegalArgumentException("split '" + s.asText() + "' of " + dir
            + " has no directory with a state.json (" + sub + ")");
      }
      out.addAll(dataset(sub, textField, split(s.asText())));
    }
    return out;
  }

  private static List<DocumentSource> dataset(Path dir, String textField, Optional<Split> split)
      throws IOException {
    Path stateFile = dir.resolve("state.json");
    JsonNode state = read(stateFile);
    JsonNode files = state.path("_data_files");
    if (!files.isArray() || files.isEmpty()) {
      throw new IllegalArgumentException(stateFile + " lists no data files in _data_files");
    }
    Optional<Split> own = split.isPresent() ? split : state.path("_split").isTextual()
        ? split(state.path("_split").asText()) : Optional.empty();
    checkFeatures(dir, textField);
    List<DocumentSource> out = new ArrayList<>();
    for (JsonNode f : files) {
      String name = f.path("filename").asText();
      Path file = dir.resolve(name).normalize();
      if (name.isEmpty() || !file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
        throw new IllegalArgumentException(stateFile + " names data file '" + name
            + "', which is not a file in " + dir);
      }
      out.add(new ArrowStreamSource(file, textField, own));
    }
    return out;
  }

  /** The text column must be a feature of the dataset, if dataset_info.json lists them. */
  private static void checkFeatures(Path dir, String textField) throws IOException {
    Path infoFile = dir.resolve("dataset_info.json");
    if (!Files.isRegularFile(infoFile)) {
      return;
    }
    JsonNode features = read(infoFile).path("features");
    if (features.isObject() && !features.has(textField)) {
      List<String> names = new ArrayList<>();
      features.fieldNames().forEachRemaining(names::add);
      throw new IllegalArgumentException("dataset " + dir + " has no feature '" + textField
          + "' (--text-field); its features: " + names);
    }
  }

  private static JsonNode read(Path file) throws IOException {
    try {
      return Json.read(file);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static Optional<Split> split(String name) {
    try {
      return Optional.of(Split.fromId(name.toLowerCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // another split (say "unsupervised"): hash-assigned
    }
  }
}
