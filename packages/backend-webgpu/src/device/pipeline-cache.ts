/**
 * Compiled compute pipelines by WGSL source, per device: conformance and applications create many
 * models with the same shapes, and compiling a shader costs far more than a forward on small sizes.
 */
export class PipelineCache {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  /** The device's `maxComputeWorkgroupStorageSize`: what every kernel's workgroup arrays must fit. */
  readonly workgroupBytes: number;

  constructor(private readonly device: GPUDevice) {
    this.workgroupBytes = device.limits.maxComputeWorkgroupStorageSize;
  }

  /** The pipeline of `code` (entry point `main`, layout derived from the shader). */
  get(code: string): Promise<GPUComputePipeline> {
    let pipeline = this.pipelines.get(code);
    if (!pipeline) {
      pipeline = this.device.createComputePipelineAsync({
        layout: 'auto',
        compute: { module: this.device.createShaderModule({ code }), entryPoint: 'main' },
      });
      // A failed compile is not cached: the next model retries and reports the error itself.
      pipeline.catch(() => this.pipelines.delete(code));
      this.pipelines.set(code, pipeline);
    }
    return pipeline;
  }
}
