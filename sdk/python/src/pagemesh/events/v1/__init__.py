# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
