# Reference p-values of Fisher's exact test on r x c tables, for tests/test_stats_fisher.py.
# Run with R 4.2.2:  Rscript tests/data/r/fisher_rxc.R > tests/data/r/fisher_rxc.tsv
# The tables were drawn once with numpy (seed 20261206: multinomial counts with Dirichlet cell
# probabilities; 3x3_n1000_0 and 4x4_n150_0 with scipy's random_table, seeds 4 and 7) plus hand-made edge
# cases (an empty row and column, tiny p, p = 1, mirror-image ties).
# Each line of the output: id, rows, columns, the cells row by row, seconds, and
# fisher.test(x, workspace = 2e8)$p.value printed with sprintf("%.17g") (or the error R gives).
tables <- list(
  "2x3_n20_0" = matrix(c(6,1,6,0,0,7), nrow = 2, byrow = TRUE),
  "2x3_n20_1" = matrix(c(0,1,10,3,4,2), nrow = 2, byrow = TRUE),
  "2x3_n20_2" = matrix(c(1,3,4,0,9,3), nrow = 2, byrow = TRUE),
  "3x2_n25_0" = matrix(c(4,2,7,0,11,1), nrow = 3, byrow = TRUE),
  "3x2_n25_1" = matrix(c(9,3,4,1,4,4), nrow = 3, byrow = TRUE),
  "3x3_n15_0" = matrix(c(2,0,0,0,2,2,2,2,5), nrow = 3, byrow = TRUE),
  "3x3_n15_1" = matrix(c(3,1,0,6,0,3,1,0,1), nrow = 3, byrow = TRUE),
  "3x3_n15_2" = matrix(c(1,1,0,1,0,1,4,5,2), nrow = 3, byrow = TRUE),
  "3x3_n60_0" = matrix(c(4,14,9,0,16,7,3,4,3), nrow = 3, byrow = TRUE),
  "3x3_n60_1" = matrix(c(6,2,9,10,6,2,17,0,8), nrow = 3, byrow = TRUE),
  "3x3_n300_0" = matrix(c(43,24,65,36,28,10,40,29,25), nrow = 3, byrow = TRUE),
  "3x3_n300_1" = matrix(c(20,39,32,20,39,81,30,23,16), nrow = 3, byrow = TRUE),
  "2x6_n100_0" = matrix(c(11,12,1,7,18,0,2,16,21,3,7,2), nrow = 2, byrow = TRUE),
  "2x6_n100_1" = matrix(c(16,6,11,5,5,19,23,0,6,3,4,2), nrow = 2, byrow = TRUE),
  "3x4_n40_0" = matrix(c(6,1,6,1,0,10,4,1,6,0,3,2), nrow = 3, byrow = TRUE),
  "3x4_n40_1" = matrix(c(0,3,0,9,1,7,3,6,0,0,4,7), nrow = 3, byrow = TRUE),
  "4x4_n50_0" = matrix(c(2,2,6,0,2,7,0,3,4,2,0,0,3,3,11,5), nrow = 4, byrow = TRUE),
  "4x4_n50_1" = matrix(c(1,7,8,0,0,9,0,1,2,4,2,4,0,5,5,2), nrow = 4, byrow = TRUE),
  "2x8_n60_0" = matrix(c(0,4,0,9,0,8,5,2,9,4,0,3,1,2,7,6), nrow = 2, byrow = TRUE),
  "2x8_n60_1" = matrix(c(1,3,0,4,8,11,0,2,10,0,4,10,0,3,0,4), nrow = 2, byrow = TRUE),
  "5x5_n30_0" = matrix(c(0,0,2,7,8,1,0,0,5,0,1,1,0,0,0,1,1,0,0,0,0,2,0,1,0), nrow = 5, byrow = TRUE),
  "5x5_n30_1" = matrix(c(0,0,0,2,3,3,0,3,0,1,2,1,1,3,4,0,0,0,1,5,0,1,0,0,0), nrow = 5, byrow = TRUE),
  "4x5_n85_0" = matrix(c(6,3,12,0,9,1,1,11,2,10,6,2,2,4,0,6,1,0,5,4), nrow = 4, byrow = TRUE),
  "4x5_n85_1" = matrix(c(0,6,5,2,0,8,13,1,3,3,8,6,8,0,5,4,6,4,1,2), nrow = 4, byrow = TRUE),
  "4x5_n85_2" = matrix(c(7,3,2,3,9,6,4,3,7,1,2,6,12,9,1,4,0,2,1,3), nrow = 4, byrow = TRUE),
  "4x5_n85_3" = matrix(c(2,6,7,8,16,1,5,0,5,1,1,4,3,6,1,5,3,1,5,5), nrow = 4, byrow = TRUE),
  "4x5_n85_4" = matrix(c(28,0,0,2,1,10,4,6,3,4,0,5,0,0,0,2,5,7,3,5), nrow = 4, byrow = TRUE),
  "4x5_n85_5" = matrix(c(7,3,15,1,2,3,4,3,14,6,2,12,3,2,1,3,1,2,0,1), nrow = 4, byrow = TRUE),
  "4x5_n85_6" = matrix(c(1,4,1,9,1,6,5,4,3,3,0,5,3,5,4,8,4,4,13,2), nrow = 4, byrow = TRUE),
  "4x5_n85_7" = matrix(c(3,1,1,3,15,8,0,1,3,7,0,12,0,2,3,1,6,16,0,3), nrow = 4, byrow = TRUE),
  "3x3_n1000_0" = matrix(c(215,105,205,26,16,13,164,91,165), nrow = 3, byrow = TRUE),
  "4x4_n150_0" = matrix(c(7,14,6,11,11,9,12,5,10,6,8,14,9,9,11,8), nrow = 4, byrow = TRUE),
  "zero_row_col" = matrix(c(3,0,2,1,0,0,0,0,1,0,4,6,2,0,0,3), nrow = 4, byrow = TRUE),
  "zero_col_3x4" = matrix(c(5,0,1,2,1,0,6,0,2,0,2,7), nrow = 3, byrow = TRUE),
  "tiny_p" = matrix(c(25,0,0,1,0,24,1,0,1,0,23,2), nrow = 3, byrow = TRUE),
  "p_one_uniform" = matrix(c(2,2,2,2,2,2,2,2,2), nrow = 3, byrow = TRUE),
  "p_one_4x3" = matrix(c(1,1,1,1,1,1,1,1,1,1,1,1), nrow = 4, byrow = TRUE),
  "mirror_2x3" = matrix(c(3,1,0,0,1,3), nrow = 2, byrow = TRUE),
  "mirror_3x3" = matrix(c(4,1,0,1,2,1,0,1,4), nrow = 3, byrow = TRUE),
  "mirror_2x4" = matrix(c(5,2,0,1,1,0,2,5), nrow = 2, byrow = TRUE),
  "mirror_2x2" = matrix(c(7,2,2,7), nrow = 2, byrow = TRUE),
  "sparse_6x4" = matrix(c(1,0,0,0,0,1,0,0,0,0,1,1,2,0,0,0,0,3,0,1,0,0,2,0), nrow = 6, byrow = TRUE)
)
cat("id\trows\tcols\tcells\tseconds\tp_value\n")
for (id in names(tables)) {
  x <- tables[[id]]
  took <- system.time(p <- tryCatch(
    sprintf("%.17g", fisher.test(x, workspace = 2e8)$p.value),
    error = function(e) paste("error:", gsub("[\n\t]", " ", conditionMessage(e)))
  ))[["elapsed"]]
  cat(id, nrow(x), ncol(x), paste(t(x), collapse = " "), sprintf("%.2f", took), p, sep = "\t")
  cat("\n")
}
