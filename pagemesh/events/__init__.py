# Generated file. DO NOT EDIT: run `make generate` after changing proto/.
