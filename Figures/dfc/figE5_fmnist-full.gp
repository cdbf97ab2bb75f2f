# Rendered by: gnuplot figE5_fmnist-full.gp (run from this directory)
set terminal pngcairo size 1500,1700 noenhanced font 'Sans,11'
set output 'figE5_fmnist-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 5,3 title 'DFC Figs. S5–S12 (fmnist, full scale, the E.5 pipeline runs, seed 42; dashed: fixed feedback)' margins 0.06,0.86,0.05,0.93 spacing 0.06,0.05
unset key
set datafile missing NaN
set xlabel 'training minibatch' offset 0,0.5
set title 'layer 1: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
set key at screen 0.995,0.5 right center vertical font ',10'
plot 'figE5_fmnist-full.csv' using 1:11 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:2 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
unset key
set title 'layer 1: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:17 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:7 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 1: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:1]
set yrange [0:1]
set format x '% h'
set label 1 'no data' at graph 0.4,0.5
plot -1 notitle
unset label 1
set title 'layer 2: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:12 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:3 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 2: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:18 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:8 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 2: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:1]
set yrange [0:1]
set format x '% h'
set label 1 'no data' at graph 0.4,0.5
plot -1 notitle
unset label 1
set title 'layer 3: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:13 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:4 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 3: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:19 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:9 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 3: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:1]
set yrange [0:1]
set format x '% h'
set label 1 'no data' at graph 0.4,0.5
plot -1 notitle
unset label 1
set title 'layer 4: ∠(ΔW, BP) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:14 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:5 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 4: ∠(ΔW, MN, γ = 1) [°]'
set yrange [0:*]
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:20 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:10 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
set title 'layer 4: ∠(ΔW, DFC-SSA) [°]'
set yrange [0:*]
set xrange [0:1]
set yrange [0:1]
set format x '% h'
set label 1 'no data' at graph 0.4,0.5
plot -1 notitle
unset label 1
set title 'Condition 2 (trained K: per epoch; fixed K: per log)'
set autoscale y
set xrange [0:42570]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:15 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA'
set logscale y
set format y '%.0e'
set title 'minibatch loss'
set autoscale y
set xrange [0:42970]
set format x '%.0s%c'
plot 'figE5_fmnist-full.csv' using 1:16 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#8a2be2' title 'DFC-SSA', \
     '' using 1:6 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '#d62728' title 'DFA'
unset logscale y
set format y '% h'
set title 'converged fraction'
set yrange [0:1.05]
set xrange [0:1]
set yrange [0:1]
set format x '% h'
set label 1 'no data' at graph 0.4,0.5
plot -1 notitle
unset label 1
unset multiplot
