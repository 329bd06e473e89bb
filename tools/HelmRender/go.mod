module tailship/tools/helmrender

go 1.19
