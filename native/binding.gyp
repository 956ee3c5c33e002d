{
  "targets": [
    {
      "target_name": "hotpot_native",
      "sources": ["src/addon.cc", "src/kernels.cc", "src/keccak.cc", "src/tiny_input.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-std=c++17"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off", "-std=c++17"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "AdditionalOptions": ["/fp:precise"] }
      }
    }
  ]
}
