import Foundation

extension SentenceTransformersExport {
    /// README.md of the module folder: what the map is, and the two ways to run it in sentence-transformers.
    /// The Python in it is checked by Tests/eraTests/SentenceTransformersExportTests.swift where it can
    /// run without downloading a model (Dense.load, DIR as a model, appending by hand).
    static func readme(_ adapter: Adapter, folderName dir: String) -> String {
        let source = adapter.sourceModel.isEmpty ? "QUERY_MODEL" : adapter.sourceModel
        let target = adapter.targetModel.isEmpty ? "INDEX_MODEL" : adapter.targetModel
        let p = adapter.map.sourceDimension, m = adapter.map.targetDimension
        // Model names are free text (a file stem, a label from a config): only a hub-style id goes
        // into Python; anything else becomes a placeholder the reader must fill in.
        let sourceCode = pythonModelArgument(adapter.sourceModel, placeholder: "QUERY_MODEL_ID")
        let targetCode = pythonModelArgument(adapter.targetModel, placeholder: "INDEX_MODEL_ID")
        let sourceTodo = placeholderLine(adapter.sourceModel, "QUERY_MODEL_ID", role: "query", key: "source_model")
        let targetTodo = placeholderLine(adapter.targetModel, "INDEX_MODEL_ID", role: "index", key: "target_model")
        let dirCode = pythonStringLiteral(dir)
        let trained = [
            adapter.stage.isEmpty ? nil : "stage \(adapter.stage)",
            "family \(adapter.map.family.rawValue)",
            adapter.configurationHash.isEmpty ? nil : "config hash \(adapter.configurationHash)",
            adapter.version.isEmpty ? nil : "trained by era \(adapter.version)",
        ].compactMap { $0 }
        return """
            # era query adapter: \(source) -> \(target)

            This folder is a sentence-transformers `Dense` module (plus a `Normalize` module) holding a map
            learned by era: query vectors x of the query model `\(source)` (\(p)-d) become
            q = normalize(W x + b) in the space of the index model `\(target)` (\(m)-d), so queries
            embedded by `\(source)` can search an index built with `\(target)` as it is.
            Written by era \(EraVersion.current) (\(trained.joined(separator: ", "))); `era.json` has the
            same facts for programs.

            | file | what |
            | --- | --- |
            | `config.json`, `model.safetensors` | the Dense module: `linear.weight` \(m) x \(p), `linear.bias` \(m), identity activation |
            | `Normalize/` | the Normalize module (L2 after the map, as era scores) |
            | `modules.json` | makes this folder itself a two-module model (Dense, then Normalize) |
            | `era.json` | source and target models, normalization, era versions |

            **The input must be what era was trained on**: `\(source)`'s vectors made the same way (same
            query instruction or prompt, if any; same normalization; most sentence-transformers models
            already end in a Normalize module). The map is for queries only; documents stay as indexed.

            ## Append it to the query model

            ```python
            from sentence_transformers import SentenceTransformer
            from sentence_transformers.models import Dense, Normalize  # 6.x: also sentence_transformers.base.modules
            \(sourceTodo)
            model = SentenceTransformer(\(sourceCode))
            model.append(Dense.load(\(dirCode)))
            model.append(Normalize())
            queries = model.encode(["how do I ..."])   # \(m)-d, unit length: search the existing index with these
            model.save("query-model-with-era-adapter")   # optional: a model folder with both modules
            ```

            By hand, in a copy of the query model's folder: copy this folder into it as `N_Dense` (N = one
            more than the last `idx` in its `modules.json`) and append to its `modules.json`:

            ```json
            {"idx": N, "name": "N", "path": "N_Dense", "type": "sentence_transformers.models.Dense"},
            {"idx": N+1, "name": "N+1", "path": "N_Dense/Normalize", "type": "sentence_transformers.models.Normalize"}
            ```

            ## Queries mapped, documents as indexed: Router (sentence-transformers 5 or later)

            ```python
            from sentence_transformers import SentenceTransformer
            from sentence_transformers.models import Dense, Normalize, Router
            \(sourceTodo)\(targetTodo)
            query_model = SentenceTransformer(\(sourceCode))
            index_model = SentenceTransformer(\(targetCode))
            router = Router.for_query_document(
                query_modules=[*query_model, Dense.load(\(dirCode)), Normalize()],
                document_modules=list(index_model),
            )
            model = SentenceTransformer(modules=[router])   # add prompts={"query": "..."} if your queries use an instruction
            q = model.encode_query(["how do I ..."])        # \(m)-d: search the existing index with these
            d = model.encode_document(["a document"])       # `\(target)` itself, like the indexed vectors
            ```

            A model built from modules does not inherit the query model's prompts: if era was trained on
            queries embedded with an instruction, pass it as `prompts={"query": ...}` as above.

            ## Check the numbers

            `era apply --adapter ADAPTER.safetensors --in queries.npy --out mapped.npy` maps vectors as
            era evaluated them; the vectors from this module must equal those to about 1e-5. See era's
            docs/serving.md for FAISS, Qdrant, pgvector and Chroma.

            """
    }

    /// `"owner/name"` as a Python string literal when `name` looks like a model id (two segments of
    /// letters, digits, `.`, `_`, `-`, neither starting with `.` or `-`); otherwise the
    /// variable `placeholder` that ``placeholderLine(_:_:role:key:)`` asks the reader to set, so free
    /// text never becomes code.
    static func pythonModelArgument(_ name: String, placeholder: String) -> String {
        looksLikeModelID(name) ? "\"\(name)\"" : placeholder
    }

    /// An empty line when `name` is used as it is, else the assignment of `placeholder` to fill in.
    static func placeholderLine(_ name: String, _ placeholder: String, role: String, key: String) -> String {
        guard !looksLikeModelID(name) else { return "" }
        return """

            \(placeholder) = "TODO"  # the \(role) model's id or local path: era.json's \(key) is not a model id

            """
    }

    static func looksLikeModelID(_ name: String) -> Bool {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        // Two segments: a bare word is as often a file stem (`mpnet` from mpnet.corpus.npy) as a model.
        guard segments.count == 2, name.utf8.count <= 96 else { return false }
        return segments.allSatisfy { segment in
            guard let first = segment.unicodeScalars.first, first != ".", first != "-" else { return false }
            return segment.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
        }
    }

    /// A Python string literal holding `text` exactly (ASCII only, every other character escaped).
    package static func pythonStringLiteral(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": literal += "\\\\"
            case "\"": literal += "\\\""
            case " "..."~": literal.unicodeScalars.append(scalar)
            default: literal += String(format: "\\U%08x", scalar.value)
            }
        }
        return literal + "\""
    }
}
