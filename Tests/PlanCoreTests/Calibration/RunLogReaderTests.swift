import Foundation
import Testing
@testable import PlanCore

/// Reading Trainer JSON, torchtune DiskLogger lines and the probe CSV; every bad input is one
/// message naming the file and the field.
struct RunLogReaderTests {
    let catalog: Catalog
    init() throws { catalog = try Catalog.bundled() }

    var facts: JobSpec {
        var spec = JobSpec(model: "llama-3.1-8b")
        spec.gpus = 2
        return spec
    }

    func read(_ text: String, file: String = "run.json", facts: JobSpec? = nil) throws -> [MeasuredRun] {
        try RunLogReader(catalog: catalog, facts: facts ?? self.facts).read(Data(text.utf8), file: file)
    }

    @Test func trainerTokensSeenAreOverAllGPUs() throws {
        let runs = try read(#"{"train_runtime": 100, "num_input_tokens_seen": 400000, "total_flos": 1e16}"#)
        #expect(runs.count == 1)
        #expect(runs[0].tokensPerSecondPerGPU == 2000)
        #expect(runs[0].loggedTotalFlos == 1e16)
    }

    @Test func trainerStateUsesTheFinalLogEntryAndPerDeviceRate() throws {
        let text = #"{"global_step": 10, "log_history": [{"loss": 1.0, "step": 5}, {"step": 10, "train_runtime": 50, "train_tokens_per_second": 1234.5}]}"#
        let runs = try read(text, file: "trainer_state.json")
        #expect(runs[0].tokensPerSecondPerGPU == 1234.5)
        #expect(runs[0].runtimeSeconds == 50)
    }

    @Test func torchtuneTakesTheMedianAfterTheFirstStep() throws {
        let text = """
            Step 1 | loss:2.3 lr:2e-05 tokens_per_second_per_gpu:100.0 peak_memory_alloc:9.5
            Step 2 | loss:2.2 lr:2e-05 tokens_per_second_per_gpu:300.0 peak_memory_alloc:10.5
            Step 3 | loss:2.1 lr:2e-05 tokens_per_second_per_gpu:310.0 peak_memory_alloc:10.0
            Step 4 | loss:2.0 lr:2e-05 tokens_per_second_per_gpu:305.0 peak_memory_alloc:10.2
            """
        let runs = try read(text, file: "log_1.txt")
        #expect(runs[0].tokensPerSecondPerGPU == 305)
        #expect(runs[0].peakMemoryGiB == 10.5)
    }

    @Test func csvFindsColumnsByNameAndIgnoresExtras() throws {
        let text = """
            note,model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib
            x,llama-3.1-8b,qlora,8,q_proj;v_proj,h100-sxm,2,4,2,1024,true,torch,5000.5,12.5
            y,llama-3.1-8b,full,16,all,h100-sxm,1,1,1,4096,false,torch,900,
            """
        let runs = try read(text, file: "probe.csv", facts: nil)
        #expect(runs.count == 2)
        #expect(runs[0].spec.method == .qlora && runs[0].spec.rank == 8 && runs[0].spec.targets == ["q_proj", "v_proj"])
        #expect(runs[0].spec.gpu == "h100-sxm" && runs[0].spec.gpus == 2 && runs[0].spec.microBatch == 4)
        #expect(runs[0].spec.gradientAccumulation == 2 && runs[0].spec.sequenceLength == 1024 && runs[0].spec.gradientCheckpointing == true)
        #expect(runs[0].spec.stack == "torch" && runs[0].tokensPerSecondPerGPU == 5000.5 && runs[0].peakMemoryGiB == 12.5)
        #expect(runs[1].peakMemoryGiB == nil && runs[1].spec.targets == ModelArchitecture.projectionNames)
        #expect(runs[1].source == "probe.csv:line 3")
    }

    @Test func architectureExportRoundTrips() throws {
        let model = try catalog.model("qwen2.5-7b")
        let data = try JSONSerialization.data(withJSONObject: model.jsonObject)
        var decoded = try ModelArchitecture.read(data, file: "x.json", name: "x")
        decoded.source = model.source
        decoded.publishedParams = model.publishedParams
        #expect(decoded == model)
    }

    @Test func huggingFaceConfigIsReadToo() throws {
        let config: [String: Any] = ["num_hidden_layers": 2, "hidden_size": 256, "intermediate_size": 512, "num_attention_heads": 4,
                                     "num_key_value_heads": 2, "vocab_size": 1000, "tie_word_embeddings": true, "model_type": "llama"]
        let model = try ModelArchitecture.read(try JSONSerialization.data(withJSONObject: config), file: "config.json", name: "tiny")
        #expect(model.layers == 2 && model.headDim == 64 && model.kvHeads == 2 && model.tiedEmbeddings)
    }

    /// Both formats go through one reader, so a mixture-of-experts config is refused whichever
    /// command reads it, and plan's own export is accepted by `--model-config` too.
    @Test func oneReaderForBothFormats() throws {
        let moe: [String: Any] = ["num_hidden_layers": 2, "hidden_size": 256, "intermediate_size": 512, "num_attention_heads": 4,
                                  "vocab_size": 1000, "model_type": "mixtral", "num_local_experts": 8, "tie_word_embeddings": false]
        #expect(throws: PlanCoreError.self) {
            try ModelArchitecture.read(try JSONSerialization.data(withJSONObject: moe), file: "mixtral.json", name: "m")
        }
        let missing: [String: Any] = ["name": "x", "layers": 2, "hidden": 256]
        let error = #expect(throws: PlanCoreError.self) {
            try ModelArchitecture.read(try JSONSerialization.data(withJSONObject: missing), file: "x.json", name: "x")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("x.json") && "\(error.map { "\($0)" } ?? "")".contains("missing field mlp"))
        #expect(throws: PlanCoreError.self) { try ModelArchitecture.read(Data("[1]".utf8), file: "y.json", name: "y") }
    }

    /// (text, file, flags?, what the message must name)
    @Test(arguments: [
        (#"{"train_runtime": 12.5, "#, "a.json", true, "a.json: not JSON"),
        (#"[1, 2]"#, "a.json", true, "a.json: expected a JSON object"),
        (#"{"num_input_tokens_seen": 10}"#, "b.json", true, "b.json: missing field train_runtime"),
        (#"{"train_runtime": 0, "num_input_tokens_seen": 10}"#, "c.json", true, "c.json: field train_runtime: must be positive"),
        (#"{"train_runtime": 10}"#, "d.json", true, "d.json: missing field num_input_tokens_seen"),
        (#"{"train_runtime": "10", "num_input_tokens_seen": 10}"#, "e.json", true, "e.json: field train_runtime: expected a number"),
        (#"{"train_runtime": 10, "num_input_tokens_seen": 10}"#, "f.json", false, "f.json: field --model"),
        ("Step 1 | tokens_per_second_per_gpu:abc", "g.txt", true, "g.txt:line 1: field tokens_per_second_per_gpu"),
        ("hello", "h.txt", true, "h.txt: not a Trainer JSON"),
        ("", "i.json", true, "i.json: the file is empty"),
        ("model,method,rank,targets,gpu,gpus,micro_batch,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\n",
         "j.csv", true, "j.csv: header: missing column gradient_accumulation"),
        ("model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\nnope,lora,16,all,a100-80gb,1,1,1,512,false,hf,10,\n",
         "k.csv", true, "k.csv:line 2: field model: unknown model 'nope'"),
        ("model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\nllama-3.1-8b,lora,16,all,a100-80gb,1,zero,1,512,false,hf,10,\n",
         "l.csv", true, "l.csv:line 2: field micro_batch"),
        ("model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\nllama-3.1-8b,lora,16,all,b200,1,1,1,512,false,hf,10,\n",
         "m.csv", true, "m.csv:line 2: field gpu: unknown gpu 'b200'"),
        ("model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib\nllama-3.1-8b,lora,16,all,a100-80gb,1,1,1,512,false,hf,0,\n",
         "n.csv", true, "n.csv:line 2: field tokens_per_second_per_gpu"),
    ])
    func badInputNamesFileAndField(_ text: String, _ file: String, _ withFacts: Bool, _ expected: String) throws {
        let reader = RunLogReader(catalog: catalog, facts: withFacts ? facts : nil)
        do {
            _ = try reader.read(Data(text.utf8), file: file)
            Issue.record("\(file) was accepted")
        } catch let PlanCoreError.invalidRunLog(message) {
            #expect(message.hasPrefix(expected), "\(message)")
            #expect(!message.contains("\n"))
        }
    }

    @Test func unknownModelFlagIsNamed() throws {
        var spec = facts
        spec.model = "gpt-5"
        #expect(throws: PlanCoreError.self) { try read(#"{"train_runtime": 10, "num_input_tokens_seen": 10}"#, facts: spec) }
        do { _ = try read(#"{"train_runtime": 10, "num_input_tokens_seen": 10}"#, facts: spec) } catch {
            #expect("\(error)".hasPrefix("run.json: field --model: unknown model 'gpt-5'"))
        }
    }
}
