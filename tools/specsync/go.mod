module github.com/writerfiles/writer-go/tools/specsync

go 1.26

require gopkg.in/yaml.v3 v3.0.1
