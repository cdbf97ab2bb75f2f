# Rendered by: gnuplot ortho.gp (run from this directory)
set terminal pngcairo size 1800,600 noenhanced font 'Sans,11'
set output 'ortho.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,3 title 'GAIT-prop (γ = 1e-3) against the orthogonality weight λ: tower 784-784-500-200-10, FMNIST, 300 batches, seed 1 (suite-defined; not verified against the paper)'
set logscale x
set xrange [5e-4:200]
set format x '%g'
set xlabel 'λ (λ = 0 drawn at 1e-3)'
set key bottom left font ',9'
set arrow 1 from 0.1, graph 0 to 0.1, graph 1 nohead lc rgb '#888888' dt 2
set label 1 'released λ' at 0.11, graph 0.03 font ',8'
stats 'ortho.csv' using 7 nooutput prefix 'BPACC'
stats 'ortho.csv' using 8 nooutput prefix 'BPOFF'
stats 'ortho.csv' using 9 nooutput prefix 'BPFULL'
set title 'final test accuracy'
set ylabel 'test accuracy (%)'
set offsets 0, 0, 0.5, 0.5
plot 'ortho.csv' using 1:3 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'GAIT-prop', \
     BPACC_max with lines lw 2 dt 2 lc rgb '#000000' title 'BP (λ = 0)'
set offsets 0, 0, 0, 0
set title 'mean angle to BP, layers 1…L−1, last 50 batches'
set ylabel 'angle (degrees)'
set logscale y
set format y '%g'
plot 'ortho.csv' using 1:4 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'GAIT-prop'
set title 'distance from orthogonality after the last batch (mean over layers)'
set ylabel 'defect'
set format y '%.0e'
set key bottom left Left reverse font ',9'
set label 1 at 0.11, graph 0.5
plot 'ortho.csv' using 1:5 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'GAIT: R(W) = ‖WWᵀ − diag‖²', \
     '' using 1:6 with linespoints lw 2 pt 5 lc rgb '#1f77b4' title 'GAIT: ‖WWᵀ − I‖/√n', \
     BPOFF_max with lines lw 1 dt 2 lc rgb '#d62728' title 'BP: R(W)', \
     BPFULL_max with lines lw 1 dt 2 lc rgb '#1f77b4' title 'BP: ‖WWᵀ − I‖/√n'
unset multiplot
